import { int32, z } from '../shared/zod-ja.ts';
import { ISSUES } from '../shared/issues.ts';
import { HOUSEHOLD_PATTERNS } from '../shared/people.ts';
import { AGENCY_FIELDS, PROJECT_ROLES } from '../shared/roles.ts';

export const routingRequestSchema = z
  .object({
    issues: z.array(z.enum(ISSUES)).max(ISSUES.length).default([]).describe('課題'),
    personId: z.uuid().nullable().optional().describe('本人'),
    age: int32({ min: 0, max: 130 }).nullable().optional().describe('年齢'),
    address: z.string().trim().max(300).nullable().optional().describe('住所'),
  })
  .strict();
export type RoutingRequest = z.infer<typeof routingRequestSchema>;

export const routingRuleInputSchema = z
  .object({
    priority: int32({ min: 0, max: 999 }).default(100).describe('優先順位（小さいほど先）'),
    name: z.string().trim().min(1).max(100).describe('ルール名'),
    issuesAny: z.array(z.enum(ISSUES)).max(ISSUES.length).default([]).describe('いずれかの課題があるとき'),
    minAge: int32({ min: 0, max: 130 }).nullable().optional().describe('年齢（以上）'),
    maxAge: int32({ min: 0, max: 130 }).nullable().optional().describe('年齢（以下）'),
    minIssueCount: int32({ min: 1, max: 30 }).nullable().optional().describe('課題の数（以上）'),
    householdPattern: z.enum(HOUSEHOLD_PATTERNS).nullable().optional().describe('世帯の状況'),
    targetRole: z.enum(PROJECT_ROLES).nullable().optional().describe('つなぎ先：事業における役割'),
    targetField: z.enum(AGENCY_FIELDS).nullable().optional().describe('つなぎ先：対象分野'),
    targetNameLike: z.string().trim().max(100).nullable().optional().describe('つなぎ先：名称に含む語'),
    matchArea: z.boolean().default(false).describe('住所の地区に合う機関を優先'),
    reason: z.string().trim().min(1).max(300).describe('提案の理由（画面に表示）'),
    active: z.boolean().default(true).describe('使用中'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.targetRole && !v.targetField && !v.targetNameLike) {
      ctx.addIssue({ code: 'custom', path: ['targetRole'], message: 'つなぎ先の条件（役割・分野・名称）を1つ以上指定してください' });
    }
    if (v.minAge != null && v.maxAge != null && v.minAge > v.maxAge) {
      ctx.addIssue({ code: 'custom', path: ['maxAge'], message: '年齢（以下）は年齢（以上）より大きくしてください' });
    }
  });
export type RoutingRuleInput = z.infer<typeof routingRuleInputSchema>;

export const routingRulePatchSchema = z
  .object({
    priority: int32({ min: 0, max: 999 }).optional(),
    name: z.string().trim().min(1).max(100).optional(),
    issuesAny: z.array(z.enum(ISSUES)).max(ISSUES.length).optional(),
    minAge: int32({ min: 0, max: 130 }).nullable().optional(),
    maxAge: int32({ min: 0, max: 130 }).nullable().optional(),
    minIssueCount: int32({ min: 1, max: 30 }).nullable().optional(),
    householdPattern: z.enum(HOUSEHOLD_PATTERNS).nullable().optional(),
    targetRole: z.enum(PROJECT_ROLES).nullable().optional(),
    targetField: z.enum(AGENCY_FIELDS).nullable().optional(),
    targetNameLike: z.string().trim().max(100).nullable().optional(),
    matchArea: z.boolean().optional(),
    reason: z.string().trim().min(1).max(300).optional(),
    active: z.boolean().optional(),
    version: int32({ min: 1 }).describe('版'),
  })
  .strict();
