import { z } from '../shared/zod-ja.ts';
import { CLOSURE_REASONS } from '../shared/cases.ts';
import { always, dateField } from '../cases/schema.ts';

/** Kinds of meeting body (presets/*.json meetingBodies[].kind). */
export const MEETING_KINDS = ['jusou', 'shien', 'suishin', 'other'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const MEETING_KIND_LABELS: Record<MeetingKind, string> = {
  jusou: '重層的支援会議',
  shien: '支援会議（社会福祉法第106条の6）',
  suishin: '重層的支援体制推進会議',
  other: 'その他の会議',
};

export const MEETING_STATUSES = ['scheduled', 'held', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];
export const MEETING_STATUS_LABELS: Record<MeetingStatus, string> = { scheduled: '開催予定', held: '開催済', cancelled: '中止' };

export const AGENDA_KINDS = ['case', 'person', 'topic'] as const;
export type AgendaKind = (typeof AGENDA_KINDS)[number];

export const DECISION_KINDS = [
  'plan_approval',
  'role_split',
  'lead_decision',
  'closure',
  'suspension',
  'resource_gap',
  'participation_support',
  'outreach',
  'system_collaboration',
  'system_issue',
  'system_evaluation',
  'other',
] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];
export const DECISION_KIND_LABELS: Record<DecisionKind, string> = {
  plan_approval: 'プラン承認',
  role_split: '役割分担の合意',
  lead_decision: '主担当の決定',
  closure: '終結',
  suspension: '中断',
  resource_gap: '資源開発の課題',
  participation_support: '参加支援の利用決定',
  outreach: 'アウトリーチの利用決定',
  system_collaboration: '連携体制',
  system_issue: '体制の課題',
  system_evaluation: '評価',
  other: 'その他',
};

/** The decisions each kind of meeting may record (DOMAIN.md §4). */
export const DECISIONS_BY_MEETING: Record<MeetingKind, readonly DecisionKind[]> = {
  jusou: ['plan_approval', 'role_split', 'lead_decision', 'closure', 'suspension', 'resource_gap', 'participation_support', 'outreach', 'other'],
  // 支援会議 shares information and agrees roles; approval, closure and the use of services need consent (重層的支援会議).
  shien: ['role_split', 'lead_decision', 'resource_gap', 'other'],
  suishin: ['system_collaboration', 'system_issue', 'system_evaluation', 'resource_gap', 'other'],
  other: ['role_split', 'lead_decision', 'resource_gap', 'other'],
};

/** Decisions about one case: they need a case on the agenda item. */
export const CASE_DECISIONS: readonly DecisionKind[] = ['plan_approval', 'closure', 'suspension', 'participation_support', 'outreach'];

/** The 守秘義務 text every 支援会議 attendee acknowledges; its version is recorded with the acknowledgement. */
export const CONFIDENTIALITY_TEXT_VERSION = '2026-11';
export const CONFIDENTIALITY_TEXT =
  '支援会議（社会福祉法第106条の6）の構成員には守秘義務があり、正当な理由なく会議の事務に関して知り得た秘密を漏らしてはなりません（違反した場合は1年以下の拘禁刑または100万円以下の罰金）。会議の資料と記録は非公開です。';

const timestampField = z
  .string()
  .trim()
  .max(40)
  .refine((v) => !Number.isNaN(Date.parse(v)), { message: '日時を 2026-04-01T10:00 の形で入力してください' });

export const meetingCreateSchema = z
  .object({
    meetingBodyId: z.uuid().describe('会議体'),
    title: z.string().trim().min(1).max(200).describe('会議名'),
    scheduledAt: timestampField.describe('日時'),
    place: z.string().trim().max(200).nullable().optional().describe('場所'),
    online: z.boolean().default(false).describe('オンライン'),
    convener: z.string().trim().max(200).nullable().optional().describe('招集者'),
    organizerAgencyId: z.uuid().nullable().optional().describe('主催者'),
    jointWithMeetingId: z.uuid().nullable().optional().describe('合同開催の会議'),
    note: z.string().trim().max(2000).nullable().optional().describe('備考'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.online && !v.place) ctx.addIssue({ code: 'custom', path: ['place'], message: '場所を入力するか、オンラインを選んでください' });
  }, always);
export type MeetingCreateInput = z.infer<typeof meetingCreateSchema>;

export const meetingPatchSchema = z
  .object({
    title: z.string().trim().min(1).max(200).optional().describe('会議名'),
    scheduledAt: timestampField.optional().describe('日時'),
    place: z.string().trim().max(200).nullable().optional().describe('場所'),
    online: z.boolean().optional().describe('オンライン'),
    status: z.enum(MEETING_STATUSES).optional().describe('状態'),
    note: z.string().trim().max(2000).nullable().optional().describe('備考'),
    version: z.number().int().min(1).describe('版'),
  })
  .strict();
export type MeetingPatchInput = z.infer<typeof meetingPatchSchema>;

export const meetingListQuery = z
  .object({
    kind: z.enum(MEETING_KINDS).optional().describe('会議の種類'),
    q: z.string().trim().max(100).optional().describe('会議名'),
    limit: z.coerce.number().int().min(1).max(100).default(30),
  })
  .strict();
export type MeetingListQuery = z.infer<typeof meetingListQuery>;

export const attendeeAddSchema = z
  .object({
    userId: z.uuid().nullable().optional().describe('出席者（職員）'),
    externalName: z.string().trim().min(1).max(100).nullable().optional().describe('出席者の氏名'),
    externalOrganization: z.string().trim().max(200).nullable().optional().describe('所属'),
    role: z.enum(['chair', 'member']).default('member').describe('役割'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.userId === !v.externalName)
      ctx.addIssue({ code: 'custom', path: ['userId'], message: '職員を選ぶか、外部の出席者の氏名を入力してください（どちらか一方）' });
    if (v.externalName && !v.externalOrganization)
      ctx.addIssue({ code: 'custom', path: ['externalOrganization'], message: '外部の出席者の所属を入力してください' });
  }, always);
export type AttendeeAddInput = z.infer<typeof attendeeAddSchema>;

export const agendaAddSchema = z
  .object({
    kind: z.enum(AGENDA_KINDS).describe('議題の種類'),
    caseId: z.uuid().nullable().optional().describe('事例'),
    personId: z.uuid().nullable().optional().describe('本人'),
    personAlias: z.string().trim().max(100).nullable().optional().describe('呼び名（氏名不明のとき）'),
    title: z.string().trim().min(1).max(200).describe('議題'),
    description: z.string().trim().max(2000).nullable().optional().describe('内容'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.kind === 'case' && !v.caseId) ctx.addIssue({ code: 'custom', path: ['caseId'], message: '事例を選んでください' });
    if (v.kind === 'person' && !v.personId && !v.personAlias && !v.description)
      ctx.addIssue({ code: 'custom', path: ['personAlias'], message: '本人を選ぶか、氏名が分からないときは呼び名や状況を入力してください' });
    if (v.kind === 'topic' && (v.caseId || v.personId))
      ctx.addIssue({ code: 'custom', path: ['kind'], message: '事例や本人についての議題は「事例」または「本人」を選んでください' });
  }, always);
export type AgendaAddInput = z.infer<typeof agendaAddSchema>;

export const decisionClosureSchema = z
  .object({
    reason: z.enum(CLOSURE_REASONS).describe('終結理由'),
    note: z.string().trim().max(2000).nullable().optional().describe('終結の経緯'),
    followUpAgencyId: z.uuid().nullable().optional().describe('終結後につながり続ける機関（伴走）'),
    followUpFrequency: z.string().trim().max(100).nullable().optional().describe('伴走の頻度'),
    followUpIntervalDays: z.number().int().min(1).max(366).nullable().optional().describe('連絡の間隔（日）'),
  })
  .strict();

export const decisionAddSchema = z
  .object({
    agendaItemId: z.uuid().describe('議題'),
    kind: z.enum(DECISION_KINDS).describe('決定の種類'),
    content: z.string().trim().min(1).max(4000).describe('決定の内容'),
    planId: z.uuid().nullable().optional().describe('承認するプラン'),
    closure: decisionClosureSchema.nullable().optional().describe('終結の内容'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.kind === 'plan_approval' && !v.planId) ctx.addIssue({ code: 'custom', path: ['planId'], message: '承認するプランを選んでください' });
    if (v.kind === 'closure' && !v.closure) ctx.addIssue({ code: 'custom', path: ['closure'], message: '終結理由を選んでください' });
    if (v.kind !== 'closure' && v.closure) ctx.addIssue({ code: 'custom', path: ['closure'], message: '終結の内容は終結の決定のときだけ入力します' });
  }, always);
export type DecisionAddInput = z.infer<typeof decisionAddSchema>;

export const followUpAddSchema = z
  .object({
    agendaItemId: z.uuid().nullable().optional().describe('議題'),
    content: z.string().trim().min(1).max(1000).describe('やること'),
    ownerUserId: z.uuid().describe('担当者'),
    dueOn: dateField.describe('期限'),
  })
  .strict();
export type FollowUpAddInput = z.infer<typeof followUpAddSchema>;

export const infoRequestAddSchema = z
  .object({
    agendaItemId: z.uuid().nullable().optional().describe('議題'),
    toAgencyId: z.uuid().describe('求める先の機関'),
    question: z.string().trim().min(1).max(2000).describe('求める情報'),
  })
  .strict();
export type InfoRequestAddInput = z.infer<typeof infoRequestAddSchema>;

export const infoReplySchema = z.object({ reply: z.string().trim().min(1).max(4000).describe('回答') }).strict();

export const countsQuery = z.object({ fiscalYear: z.coerce.number().int().min(2000).max(2100).optional().describe('年度') }).strict();

export const minutesSchema = z
  .object({
    minutes: z.string().trim().max(20000).describe('議事録'),
    version: z.number().int().min(1).describe('版'),
  })
  .strict();
export type MinutesInput = z.infer<typeof minutesSchema>;

export const attendancePatchSchema = z.object({ attended: z.boolean().describe('出欠') }).strict();
