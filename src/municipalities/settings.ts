import { int32, z } from '../shared/zod-ja.ts';
import { RETENTION_SETTINGS } from '../retention/settings.ts';

/** Per-municipality settings (自治体ごとの設定), stored as JSON on the municipality. */
export const settingsSchema = z.object({
  sessionIdleMinutes: int32({ min: 5, max: 480 }).default(30).describe('無操作でログアウトするまでの時間（分）'),
  mfaRequired: z.boolean().default(false).describe('二要素認証を必須にする'),
  auditRetentionYears: int32({ min: 1, max: 30 }).default(10).describe('監査ログの保存年数'),
  referralAlertBusinessDays: int32({ min: 1, max: 30 }).default(3).describe('つなぎが受理されないときの警告（営業日）'),
  noContactAlertDays: int32({ min: 7, max: 365 }).default(30).describe('本人との接触がないときの警告（日）'),
  holidays: z.array(z.iso.date()).max(400).default([]).describe('閉庁日（祝日以外の休み）'),
  consentFormInformation: z.string().trim().max(1000).default('').describe('同意書の文面：共有・提供する情報'),
  consentFormNotes: z.string().trim().max(3000).default('').describe('同意書の文面：留意事項'),
  ...RETENTION_SETTINGS,
  referralStallBusinessDays: int32({ min: 1, max: 60 }).default(5).describe('受理・対応中のつなぎに経過の記録がないときの警告（営業日）'),
});

export type Settings = z.infer<typeof settingsSchema>;

/**
 * A change names only the settings it changes: the defaults are left out
 * here (a partial of fields with defaults would fill in every missing one,
 * so saving one setting would reset the others).
 */
export const settingsPatchSchema = z
  .object(Object.fromEntries(Object.entries(settingsSchema.shape).map(([key, field]) => [key, field.unwrap().optional().describe(field.description ?? key)])) as {
    [K in keyof typeof settingsSchema.shape]: z.ZodOptional<ReturnType<(typeof settingsSchema.shape)[K]['unwrap']>>;
  })
  .strict();

export function readSettings(raw: unknown): Settings {
  const parsed = settingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : settingsSchema.parse({});
}
