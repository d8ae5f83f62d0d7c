import { int32Text, z } from '../shared/zod-ja.ts';
import { CHANNELS, CONSENT_STATUSES, CONSULTER_TYPES, ISSUES, RESPONSES, URGENCIES, URGENT_FLAGS } from '../shared/issues.ts';
import { personInputSchema } from '../people/schema.ts';
import { consentPurposeCode } from '../consents/schema.ts';

const issueLabel = z.string().trim().min(1).max(40);

/** 相談受付 — the fields of DOMAIN.md §3 and the national 相談受付・申込票. */
export const consultationInputSchema = z
  .object({
    receivedAt: z.iso.datetime({ offset: true }).optional().describe('受付日時'),
    channel: z.enum(CHANNELS).describe('相談経路'),
    consulterType: z.enum(CONSULTER_TYPES).describe('相談者'),
    consulterRelation: z.string().trim().max(50).nullable().optional().describe('相談者の続柄'),
    consulterName: z.string().trim().max(100).nullable().optional().describe('相談者の氏名・所属'),
    personId: z.uuid().nullable().optional().describe('本人'),
    newPerson: personInputSchema.optional().describe('新しく登録する本人'),
    householdId: z.uuid().nullable().optional().describe('世帯'),
    anonymous: z.boolean().default(false).describe('匿名'),
    subjectSummary: z.string().trim().max(200).nullable().optional().describe('本人の特徴（匿名のとき）'),
    chiefComplaint: z.string().trim().min(1).max(500).describe('主訴'),
    content: z.string().trim().max(20000).default('').describe('相談内容'),
    // The national 課題 and the municipality's own (checked against its list by the service: assertIssuesOffered).
    issues: z.array(issueLabel).max(ISSUES.length + 60).default([]).describe('課題'),
    primaryIssue: issueLabel.nullable().optional().describe('最も重要な課題（◎）'),
    urgency: z.enum(URGENCIES).default('通常').describe('緊急度'),
    urgentFlags: z.array(z.enum(URGENT_FLAGS)).max(3).default([]).describe('緊急の兆候'),
    response: z.enum(RESPONSES).describe('対応'),
    consentStatus: z.enum(CONSENT_STATUSES).describe('同意の有無'),
    consent: z
      .object({
        purposes: z.array(consentPurposeCode).min(1).max(20).describe('同意の目的'),
        scopeKind: z.enum(['all', 'listed']).default('all').describe('範囲'),
        agencyIds: z.array(z.uuid()).max(200).default([]).describe('情報提供先の機関'),
        method: z.enum(['書面', '口頭']).describe('方法'),
      })
      .strict()
      .optional()
      .describe('同意の内容（同意ありのとき）'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.primaryIssue && !v.issues.includes(v.primaryIssue)) {
      ctx.addIssue({ code: 'custom', path: ['primaryIssue'], message: '課題の中から選んでください' });
    }
    if (v.anonymous && (v.personId || v.newPerson)) {
      ctx.addIssue({ code: 'custom', path: ['anonymous'], message: '匿名の相談には本人を登録できません' });
    }
    if (v.personId && v.newPerson) {
      ctx.addIssue({ code: 'custom', path: ['personId'], message: '既存の本人か新しい本人のどちらかにしてください' });
    }
    if (v.consentStatus === 'あり') {
      if (!v.personId && !v.newPerson) {
        ctx.addIssue({ code: 'custom', path: ['consentStatus'], message: '同意を記録するには本人を選ぶか登録してください' });
      }
      if (!v.consent) ctx.addIssue({ code: 'custom', path: ['consent'], message: '同意の目的と方法を入力してください' });
      else if (v.consent.scopeKind === 'listed' && v.consent.agencyIds.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['consent', 'agencyIds'], message: '情報提供先の機関を1つ以上選んでください' });
      }
    }
    if (v.consulterType === '家族' && !v.consulterRelation) {
      ctx.addIssue({ code: 'custom', path: ['consulterRelation'], message: '相談者の続柄を入力してください' });
    }
    if (v.receivedAt && new Date(v.receivedAt).getTime() > Date.now() + 5 * 60_000) {
      ctx.addIssue({ code: 'custom', path: ['receivedAt'], message: '未来の日時は入力できません' });
    }
  });
export type ConsultationInput = z.infer<typeof consultationInputSchema>;

export const consultationListQuery = z
  .object({
    personId: z.uuid().optional().describe('本人'),
    scope: z.enum(['mine', 'visible']).default('mine').describe('mine: 自機関で受けた相談 / visible: 閲覧できる相談'),
    urgentOnly: z.enum(['true', 'false']).optional().describe('緊急・至急のみ'),
    limit: int32Text({ min: 1, max: 100 }).default(30),
    cursor: z.string().max(500).optional(),
  })
  .strict();
