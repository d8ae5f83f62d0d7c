import { int32, z } from '../shared/zod-ja.ts';
import { RETENTION_SETTINGS } from '../retention/settings.ts';
import { CLOSURE_REASONS } from '../shared/cases.ts';
import { MEETING_BOUND_DECISIONS, SERVICE_DECIDERS } from '../shared/meetings.ts';

/**
 * The municipality's meeting rules (会議の決定のルール, DOMAIN.md §4 rules 1, 5, 6):
 * which decisions about a case need a 重層的支援会議 decision, the closure
 * reasons that may go without one (recorded with a reason), and who decides
 * the use of 参加支援 and アウトリーチ.
 */
export const meetingRulesSchema = z
  .object({
    meetingDecisions: z
      .array(z.enum(MEETING_BOUND_DECISIONS))
      .max(3)
      .default(['plan_approval', 'closure', 'suspension'])
      .describe('重層的支援会議の決定が必要な決定'),
    closureExceptions: z.array(z.enum(CLOSURE_REASONS)).max(CLOSURE_REASONS.length).default([]).describe('会議の決定なしに終結できる終結理由（理由の記録が必要）'),
    participationSupportDecidedBy: z.enum(SERVICE_DECIDERS).default('secretariat').describe('参加支援の利用を決める者'),
    outreachDecidedBy: z.enum(SERVICE_DECIDERS).default('secretariat').describe('アウトリーチの利用を決める者'),
  })
  .strict();
export type MeetingRules = z.infer<typeof meetingRulesSchema>;

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
  meetingRules: meetingRulesSchema.default(meetingRulesSchema.parse({})).describe('会議の決定のルール'),
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
