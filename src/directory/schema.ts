import { int32, int32Text, z } from '../shared/zod-ja.ts';
import { AGENCY_FIELDS, OPERATIONS, PROJECT_ROLES } from '../shared/roles.ts';

/**
 * 機関・窓口 — one row per agency or window, modelled on Open Referral HSDS:
 * organization (運営主体), service (事業名, 根拠法令, 内容, 対象者, 対象分野)
 * and location (担当地区, 所在地, 連絡先, 受付時間).
 */
const optionalText = (max: number, label: string) =>
  z.string().trim().max(max).nullable().optional().describe(label);

export const agencyInputSchema = z
  .object({
    name: z.string().trim().min(1).max(120).describe('名称'),
    kana: z
      .string()
      .trim()
      .max(200)
      .regex(/^[\u3041-\u3096\u30a1-\u30fa\u30fc\s・ー]*$/, 'ひらがな・カタカナで入力してください')
      .default('')
      .describe('名称（カナ）'),
    organization: optionalText(120, '運営主体'),
    fields: z.array(z.enum(AGENCY_FIELDS)).max(5).default([]).describe('対象分野'),
    programName: optionalText(200, '事業名'),
    legalBasis: optionalText(300, '根拠法令'),
    description: optionalText(2000, '内容'),
    targetPopulation: optionalText(500, '基本となる対象者'),
    siteCount: int32({ min: 0, max: 999 }).nullable().optional().describe('設置箇所数'),
    programSiteCount: int32({ min: 0, max: 999 }).nullable().optional().describe('事業全体の設置箇所数'),
    operation: z.enum(OPERATIONS).nullable().optional().describe('運営形態'),
    departmentId: z.uuid().nullable().optional().describe('所管課'),
    roles: z.array(z.enum(PROJECT_ROLES)).max(6).default([]).describe('事業における役割'),
    area: optionalText(200, '担当地区'),
    address: optionalText(200, '所在地'),
    phone: z
      .string()
      .trim()
      .max(30)
      .regex(/^[0-9０-９\-－()（）\s]*$/, '電話番号は数字とハイフンで入力してください')
      .nullable()
      .optional()
      .describe('電話番号'),
    email: z.union([z.email(), z.literal('')]).nullable().optional().describe('メールアドレス'),
    hours: optionalText(200, '受付時間'),
    isWindow: z.boolean().default(true).describe('相談窓口'),
    note: optionalText(2000, '備考'),
    active: z.boolean().default(true).describe('利用中'),
  })
  .strict();

export type AgencyInput = z.infer<typeof agencyInputSchema>;

export const agencyPatchSchema = agencyInputSchema
  .partial()
  .extend({ version: int32({ min: 1 }).describe('版（同時編集の確認用）') })
  .strict();

export type AgencyPatch = z.infer<typeof agencyPatchSchema>;

export const agencyListQuery = z
  .object({
    q: z.string().trim().max(100).optional().describe('名称・カナ・事業名で検索'),
    field: z.enum(AGENCY_FIELDS).optional().describe('対象分野'),
    role: z.enum(PROJECT_ROLES).optional().describe('事業における役割'),
    departmentId: z.uuid().optional().describe('所管課'),
    includeInactive: z.enum(['true', 'false']).optional(),
    limit: int32Text({ min: 1, max: 200 }).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();

export const agencyView = z.object({
  id: z.string(),
  name: z.string(),
  kana: z.string(),
  organization: z.string().nullable(),
  fields: z.array(z.string()),
  programName: z.string().nullable(),
  legalBasis: z.string().nullable(),
  description: z.string().nullable(),
  targetPopulation: z.string().nullable(),
  siteCount: z.number().nullable(),
  /** 設置箇所数 of the whole programme when this row is one of its sites. */
  programSiteCount: z.number().nullable(),
  operation: z.string().nullable(),
  /** 所管課: the linked department's name (or, on old rows, the text as entered). */
  department: z.string().nullable(),
  departmentId: z.string().nullable(),
  roles: z.array(z.string()),
  area: z.string().nullable(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  hours: z.string().nullable(),
  isWindow: z.boolean(),
  isSecretariat: z.boolean(),
  note: z.string().nullable(),
  active: z.boolean(),
  version: z.number(),
  updatedAt: z.string(),
});
export type AgencyView = z.infer<typeof agencyView>;
