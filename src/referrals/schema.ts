import { pastDateTimeField } from '../cases/records.ts';
import { ANSWER_METHODS, ANSWER_RESULTS, DELIVERY_METHODS } from '../shared/referral-delivery.ts';
import { int32, int32Text, z } from '../shared/zod-ja.ts';

/** つなぎ — the 共通様式 (福生市): 相談内容, 主訴, つなぐ理由, 情報共有の同意確認. */
export const referralInputSchema = z
  .object({
    consultationId: z.uuid().nullable().optional().describe('元の相談'),
    personId: z.uuid().nullable().optional().describe('本人'),
    toAgencyId: z.uuid().nullable().optional().describe('つなぎ先の機関'),
    toCoordination: z.boolean().default(false).describe('多機関協働（コーディネーター）へつなぐ'),
    chiefComplaint: z.string().trim().min(1).max(500).describe('主訴'),
    content: z.string().trim().min(1).max(20000).describe('相談内容'),
    reason: z.string().trim().min(1).max(2000).describe('つなぐ理由'),
    consentConfirmed: z.boolean().describe('情報共有の同意確認'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.toAgencyId && !v.toCoordination) {
      ctx.addIssue({ code: 'custom', path: ['toAgencyId'], message: 'つなぎ先を選んでください' });
    }
    if (v.toAgencyId && v.toCoordination) {
      ctx.addIssue({ code: 'custom', path: ['toAgencyId'], message: '機関か多機関協働のどちらか一方を選んでください' });
    }
  });
export type ReferralInput = z.infer<typeof referralInputSchema>;

export const referralListQuery = z
  .object({
    box: z
      .enum(['inbox', 'outbox', 'department'])
      .default('inbox')
      .describe('inbox: 受けたつなぎ / outbox: 送ったつなぎ / department: 所管課の窓口のつなぎ（推進員）'),
    status: z.enum(['sent', 'accepted', 'returned', 'in_progress', 'completed']).optional().describe('状態'),
    personId: z.uuid().optional(),
    limit: int32Text({ min: 1, max: 100 }).default(30),
    cursor: z.string().max(500).optional(),
  })
  .strict();

export const returnSchema = z.object({ reason: z.string().trim().min(1).max(2000).describe('差戻しの理由') }).strict();
export const completeSchema = z.object({ note: z.string().trim().max(2000).nullable().optional().describe('対応の結果') }).strict();
export const transitionSchema = z.object({ version: int32({ min: 1 }).optional().describe('版') }).strict();

const pastDateTime = pastDateTimeField('未来の日時は記録できません');

/** 経過の記録: progress on an accepted or 対応中 referral, by the receiving agency (resets the stall alert). */
export const progressSchema = z
  .object({
    note: z.string().trim().min(1).max(2000).describe('経過'),
    version: int32({ min: 1 }).optional().describe('版'),
  })
  .strict();

/** 送付の記録 (sender, offline referral): the sheet was faxed, posted or handed over. */
export const deliverySchema = z
  .object({
    method: z.enum(DELIVERY_METHODS).describe('送付の方法'),
    deliveredAt: pastDateTime.optional().describe('送付日時'),
    note: z.string().trim().max(500).nullable().optional().describe('送付先（部署・担当者）'),
  })
  .strict();

/** 回答の記録 (sender, offline referral): who answered, when, by what means, with what outcome. */
export const answerSchema = z
  .object({
    answeredBy: z.string().trim().min(1).max(200).describe('回答者（部署・氏名）'),
    answeredAt: pastDateTime.describe('回答日時'),
    method: z.enum(ANSWER_METHODS).describe('回答の方法'),
    result: z.enum(ANSWER_RESULTS).describe('結果'),
    outcome: z.string().trim().min(1).max(2000).describe('回答の内容'),
  })
  .strict();
