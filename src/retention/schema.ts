import { PURPOSE_LABELS } from '../consents/summary.ts';
import { RETENTION_KINDS } from '../shared/retention.ts';
import { z } from '../shared/zod-ja.ts';

/** API shapes of the retention page (保存期間). */

export const CONSENT_PURPOSE_LABELS: Record<string, string> = PURPOSE_LABELS;

export const RETENTION_TYPE_KEYS = [
  'cases',
  'meetingItems',
  'consultations',
  'referrals',
  'notifications',
  'outreachSubjects',
  'consents',
  'consentScans',
  'persons',
  'households',
] as const;

const typeKey = z.enum(RETENTION_TYPE_KEYS);

export interface RetentionType {
  type: (typeof RETENTION_TYPE_KEYS)[number];
  label: string;
  /** The period (setting) that governs it; null: follows all of a person's records. */
  period: (typeof RETENTION_KINDS)[number] | null;
  action: 'anonymize' | 'delete';
  /** When it differs from its period's (a referral counts from its completion, not its receipt). */
  countsFrom?: string;
}

const counts = z.record(z.string(), z.number());

export const retentionPreviewSchema = z.object({
  today: z.string(),
  autoRun: z.boolean(),
  periods: z.array(
    z.object({ kind: z.enum(RETENTION_KINDS), key: z.string(), years: z.number(), cutoff: z.string(), available: z.boolean() }),
  ),
  identityCutoff: z.string(),
  types: z.array(
    z.object({
      type: typeKey,
      label: z.string(),
      period: z.enum(RETENTION_KINDS).nullable(),
      action: z.enum(['anonymize', 'delete']),
      countsFrom: z.string().nullable(),
      count: z.number(),
      items: z.array(z.object({ ref: z.string(), date: z.string().nullable(), detail: z.string().nullable() })),
      truncated: z.boolean(),
    }),
  ),
  lastRun: z
    .object({ ranAt: z.string(), trigger: z.enum(['job', 'manual']), actorName: z.string().nullable(), counts })
    .nullable(),
});
export type RetentionPreview = z.infer<typeof retentionPreviewSchema>;

export const retentionRunSchema = z.object({ ranAt: z.string(), trigger: z.enum(['job', 'manual']), counts });
export type RetentionRunResult = z.infer<typeof retentionRunSchema>;

export const retentionRunBody = z
  .object({ confirm: z.literal(true, { error: '実行してよいか確認してください' }).describe('実行の確認') })
  .strict();
