import { int32, z } from '../shared/zod-ja.ts';
import { AGENCY_FIELDS, PROJECT_ROLES } from '../shared/roles.ts';

/** Shape of a municipality preset file in presets/*.json (transcribed from the seed documents). */
const text = z.string().nullable();

export const presetAgencySchema = z.object({
  key: z.string().min(1),
  name: z.string().min(1),
  kana: z.string(),
  organization: text,
  fields: z.array(z.enum(AGENCY_FIELDS)),
  programName: text,
  legalBasis: text,
  description: text,
  targetPopulation: text,
  siteCount: int32().nullable(),
  operation: text,
  department: text,
  roles: z.array(z.enum(PROJECT_ROLES)),
  area: text,
  isWindow: z.boolean(),
  note: text,
});

export const presetMeetingBodySchema = z.object({
  key: z.string().min(1),
  name: z.string().min(1),
  kind: z.enum(['jusou', 'shien', 'suishin', 'other']),
  legalBasis: text,
  convener: text,
  organizer: text,
  purpose: text,
  members: text,
  frequency: text,
  consentRequired: z.boolean().nullable(),
  jointWith: z.array(z.string()),
});

export const presetPlacementSchema = z.object({
  kind: z.string().min(1),
  agencyKey: text,
  department: text,
  count: int32().nullable(),
  description: text,
});

export const presetSchema = z.object({
  key: z.string().min(1),
  name: z.string().min(1),
  kana: z.string(),
  prefecture: z.string(),
  code: z.string().regex(/^\d{6}$/),
  population: int32().nullable(),
  households: int32().nullable(),
  sources: z.array(z.string()),
  departments: z.array(z.object({ name: z.string().min(1), note: text })),
  agencies: z.array(presetAgencySchema).min(1),
  meetingBodies: z.array(presetMeetingBodySchema),
  placements: z.array(presetPlacementSchema),
  notes: z.array(z.string()),
});

export type Preset = z.infer<typeof presetSchema>;
export type PresetAgency = z.infer<typeof presetAgencySchema>;
