import { int32, z } from '../shared/zod-ja.ts';
import { AGENCY_FIELDS, PROJECT_ROLES } from '../shared/roles.ts';
import { CONFIDENTIALITY_RULES } from '../shared/meetings.ts';
import { settingsSchema } from './settings.ts';

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
  /** 設置箇所数 of this row: 1 for one site of a programme, the total when one row stands for the whole programme. */
  siteCount: int32().nullable(),
  /** 設置箇所数 of the whole programme, when this row is one of its sites (小金井市: 4 地域包括, 5 子育てひろば). */
  programSiteCount: int32().nullable().default(null),
  operation: text,
  department: text,
  roles: z.array(z.enum(PROJECT_ROLES)),
  area: text,
  isWindow: z.boolean(),
  /** The 事務局: the municipal 課 that runs the 事業, as the seed names it (never inferred from the note). */
  isSecretariat: z.boolean().default(false),
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
  /** The body's rule; derived from the legal basis when omitted (statutoryConfidentialityOf). */
  confidentiality: z.enum(CONFIDENTIALITY_RULES).optional(),
  /** The article that imposes the 守秘義務 (e.g. 児童福祉法第25条の5). */
  confidentialityBasis: text.optional(),
  /** 'secretariat': only the 市 (事務局) convenes (小金井市: 招集 市). */
  convenedBy: z.enum(['secretariat']).nullable().optional(),
  /** The agency (preset key) that hosts every meeting (小金井市: 主催 社協). */
  hostAgencyKey: text.optional(),
  /** The 市 attends every meeting of the body (小金井市). */
  secretariatAttends: z.boolean().optional(),
});

export const presetPlacementSchema = z.object({
  kind: z.string().min(1),
  agencyKey: text,
  department: text,
  count: int32().nullable(),
  description: text,
});

/** 協定先: partners under agreements the seed names (information sources without accounts). */
export const presetPartnerSchema = z.object({
  key: z.string().min(1),
  name: z.string().min(1),
  kind: z.string().min(1),
  note: text,
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
  partners: z.array(presetPartnerSchema).default([]),
  notes: z.array(z.string()),
  /** Settings the city's documents fix (e.g. meetingRules); the rest take their defaults. */
  settings: settingsSchema.partial().strict().optional(),
});

export type Preset = z.infer<typeof presetSchema>;
export type PresetAgency = z.infer<typeof presetAgencySchema>;
