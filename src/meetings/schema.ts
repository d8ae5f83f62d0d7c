import { int32, int32Text, z } from '../shared/zod-ja.ts';
import { CLOSURE_REASONS } from '../shared/cases.ts';
import { always, dateField } from '../cases/schema.ts';
import { AGENDA_KINDS, DECISION_KINDS, MEETING_KINDS, MEETING_STATUSES } from '../shared/meetings.ts';

export {
  MEETING_KINDS,
  type MeetingKind,
  MEETING_KIND_LABELS,
  MEETING_STATUSES,
  type MeetingStatus,
  MEETING_STATUS_LABELS,
  AGENDA_KINDS,
  type AgendaKind,
  DECISION_KINDS,
  type DecisionKind,
  DECISION_KIND_LABELS,
  DECISIONS_BY_MEETING,
  CASE_DECISIONS,
  CONFIDENTIALITY_TEXT_VERSION,
  CONFIDENTIALITY_TEXT,
} from '../shared/meetings.ts';

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
    version: int32({ min: 1 }).describe('版'),
  })
  .strict();
export type MeetingPatchInput = z.infer<typeof meetingPatchSchema>;

export const meetingListQuery = z
  .object({
    kind: z.enum(MEETING_KINDS).optional().describe('会議の種類'),
    q: z.string().trim().max(100).optional().describe('会議名'),
    limit: int32Text({ min: 1, max: 100 }).default(30),
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
    followUpIntervalDays: int32({ min: 1, max: 366 }).nullable().optional().describe('連絡の間隔（日）'),
  })
  .strict();

export const decisionAddSchema = z
  .object({
    agendaItemId: z.uuid().describe('議題'),
    kind: z.enum(DECISION_KINDS).describe('決定の種類'),
    content: z.string().trim().min(1).max(4000).describe('決定の内容'),
    planId: z.uuid().nullable().optional().describe('承認するプラン'),
    closure: decisionClosureSchema.nullable().optional().describe('終結の内容'),
    leadAgencyId: z.uuid().nullable().optional().describe('主担当にする機関'),
    carryOut: z.boolean().optional().describe('事例に反映する（プラン承認・終結・中断）'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.kind === 'plan_approval' && !v.planId) ctx.addIssue({ code: 'custom', path: ['planId'], message: '承認するプランを選んでください' });
    if (v.kind === 'closure' && !v.closure) ctx.addIssue({ code: 'custom', path: ['closure'], message: '終結理由を選んでください' });
    if (v.kind !== 'closure' && v.closure) ctx.addIssue({ code: 'custom', path: ['closure'], message: '終結の内容は終結の決定のときだけ入力します' });
    if (v.kind !== 'lead_decision' && v.leadAgencyId) {
      ctx.addIssue({ code: 'custom', path: ['leadAgencyId'], message: '主担当にする機関は主担当の決定のときだけ選びます' });
    }
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

export const countsQuery = z.object({ fiscalYear: int32Text({ min: 2000, max: 2100 }).optional().describe('年度') }).strict();

export const minutesSchema = z
  .object({
    minutes: z.string().trim().max(20000).describe('議事録'),
    version: int32({ min: 1 }).describe('版'),
  })
  .strict();
export type MinutesInput = z.infer<typeof minutesSchema>;

export const attendancePatchSchema = z.object({ attended: z.boolean().describe('出欠') }).strict();
