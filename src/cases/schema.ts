import { int32, int32Text, z } from '../shared/zod-ja.ts';
import { CASE_PERSON_RELATIONS, CASE_STATUSES, CLOSURE_REASONS, CLOSURE_WITHOUT_FOLLOW_UP, TEAM_ROLES } from '../shared/cases.ts';
import { parseDateInput } from '../shared/date-input.ts';

/** Run an object's cross-field checks even when some fields failed, so every problem is named at once. */
export const always = { when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null };

/** A calendar date typed as 2025-04-01, 2025/4/1 or 令和7年4月1日 → 'YYYY-MM-DD'. */
export const dateField = z
  .string()
  .trim()
  .max(40)
  .transform((v, ctx) => {
    const parsed = parseDateInput(v);
    if (!parsed) {
      ctx.addIssue({ code: 'custom', message: '日付を 2025-04-01 や 令和7年4月1日 の形で入力してください' });
      return z.NEVER;
    }
    return parsed;
  });

export const caseOpenSchema = z
  .object({
    origin: z.enum(['referral', 'consultation', 'direct']).describe('開始のきっかけ'),
    referralId: z.uuid().nullable().optional().describe('つなぎ'),
    consultationId: z.uuid().nullable().optional().describe('相談'),
    reason: z.string().trim().max(2000).nullable().optional().describe('開始の理由'),
    personIds: z.array(z.uuid()).max(20).default([]).describe('対象者'),
    primaryPersonId: z.uuid().nullable().optional().describe('本人'),
    title: z.string().trim().max(200).nullable().optional().describe('事例名'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.origin === 'referral' && !v.referralId) ctx.addIssue({ code: 'custom', path: ['referralId'], message: 'もとになるつなぎを選んでください' });
    if (v.origin === 'consultation' && !v.consultationId)
      ctx.addIssue({ code: 'custom', path: ['consultationId'], message: 'もとになる相談を選んでください' });
    if (v.origin === 'direct') {
      if (!v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'つなぎや相談によらず開始する理由を入力してください' });
      if (!v.personIds?.length) ctx.addIssue({ code: 'custom', path: ['personIds'], message: '対象者を1人以上選んでください' });
    }
  }, always);
export type CaseOpenInput = z.infer<typeof caseOpenSchema>;

export const caseListQuery = z
  .object({
    status: z.enum([...CASE_STATUSES, 'open']).optional().describe('状態'),
    mine: z.enum(['true', 'false']).optional().describe('自分が担当者の事例だけ'),
    personId: z.uuid().optional(),
    q: z.string().trim().max(100).optional().describe('事例番号・事例名'),
    limit: int32Text({ min: 1, max: 100 }).default(30),
    cursor: z.string().max(500).optional(),
  })
  .strict();

export const casePatchSchema = z
  .object({
    title: z.string().trim().min(1).max(200).describe('事例名'),
    version: int32({ min: 1 }).describe('版'),
  })
  .strict();

export const teamAddSchema = z
  .object({
    agencyId: z.uuid().describe('機関'),
    userId: z.uuid().nullable().optional().describe('担当者'),
    role: z.enum(TEAM_ROLES).describe('役割'),
    involvement: z.string().trim().max(1000).nullable().optional().describe('関わり方'),
  })
  .strict();

export const teamPatchSchema = z
  .object({
    role: z.enum(TEAM_ROLES).optional().describe('役割'),
    involvement: z.string().trim().max(1000).nullable().optional().describe('関わり方'),
  })
  .strict();

export const teamRemoveSchema = z.object({ reason: z.string().trim().min(1).max(1000).describe('外す理由') }).strict();

export const casePersonSchema = z
  .object({
    personId: z.uuid().describe('対象者'),
    relation: z.enum(CASE_PERSON_RELATIONS).default('世帯員').describe('事例での立場'),
  })
  .strict();

export const caseLinkSchema = z
  .object({
    consultationId: z.uuid().nullable().optional().describe('相談'),
    referralId: z.uuid().nullable().optional().describe('つなぎ'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.consultationId === !v.referralId)
      ctx.addIssue({ code: 'custom', path: ['consultationId'], message: '相談かつなぎのどちらか一方を選んでください' });
  });

export const closureSchema = z
  .object({
    reason: z.enum(CLOSURE_REASONS).describe('終結理由'),
    note: z.string().trim().max(2000).nullable().optional().describe('終結の経緯'),
    meetingRef: z.string().trim().min(1).max(200).nullable().optional().describe('終結を決めた会議（重層的支援会議）'),
    meetingDate: dateField.nullable().optional().describe('会議の日付'),
    meetingId: z.uuid().nullable().optional().describe('会議'),
    decisionId: z.uuid().nullable().optional().describe('終結を決めた重層的支援会議の決定'),
    exceptionReason: z.string().trim().min(1).max(1000).nullable().optional().describe('会議の決定によらない理由'),
    followUpAgencyId: z.uuid().nullable().optional().describe('終結後につながり続ける機関（伴走）'),
    followUpFrequency: z.string().trim().max(100).nullable().optional().describe('伴走の頻度'),
    followUpIntervalDays: int32({ min: 1, max: 366 }).nullable().optional().describe('連絡の間隔（日）'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!CLOSURE_WITHOUT_FOLLOW_UP.includes(v.reason)) {
      if (!v.followUpAgencyId)
        ctx.addIssue({ code: 'custom', path: ['followUpAgencyId'], message: '終結後もつながり続ける機関（伴走）を選んでください' });
      if (!v.followUpFrequency) ctx.addIssue({ code: 'custom', path: ['followUpFrequency'], message: '伴走の頻度を入力してください（例：月1回の電話）' });
      if (!v.followUpIntervalDays)
        ctx.addIssue({ code: 'custom', path: ['followUpIntervalDays'], message: '連絡の間隔を日数で入力してください（例：30）' });
    }
  }, always);

export const transitionInputSchema = z
  .object({
    to: z.enum(CASE_STATUSES).describe('次の状態'),
    reason: z.string().trim().min(1).max(2000).describe('理由・経緯'),
    effectiveOn: dateField.nullable().optional().describe('日付'),
    meetingRef: z.string().trim().max(200).nullable().optional().describe('決定した会議'),
    meetingDate: dateField.nullable().optional().describe('会議の日付'),
    decisionId: z.uuid().nullable().optional().describe('中断を決めた重層的支援会議の決定'),
    closure: closureSchema.nullable().optional().describe('終結の内容'),
    version: int32({ min: 1 }).describe('版'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.to === 'closed' && !v.closure) ctx.addIssue({ code: 'custom', path: ['closure'], message: '終結理由と決定した会議を入力してください' });
    if (v.to !== 'closed' && v.closure) ctx.addIssue({ code: 'custom', path: ['closure'], message: '終結の内容は終結のときだけ入力します' });
  });
export type TransitionInput = z.infer<typeof transitionInputSchema>;
