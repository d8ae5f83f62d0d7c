import { int32, int32Text, z } from '../shared/zod-ja.ts';
import { parseDateInput, todayJst } from '../shared/date-input.ts';
import { AGE_BANDS, GENDERS, RELATIONSHIPS } from '../shared/people.ts';

/** 本人 (person) and 世帯 (household) — DOMAIN.md §3. */
export { AGE_BANDS, GENDERS, RELATIONSHIPS };

const text = (max: number, label: string) => z.string().trim().max(max).nullable().optional().describe(label);

/** A date typed in 西暦 or 和暦 (昭和20年8月15日, S20.8.15, 1945-08-15). */
export const birthDateInput = z
  .string()
  .trim()
  .max(30)
  .transform((value, ctx) => {
    if (!value) return null;
    const iso = parseDateInput(value);
    if (!iso) {
      ctx.addIssue({ code: 'custom', message: '日付として読み取れません（例：1945-08-15、昭和20年8月15日）' });
      return z.NEVER;
    }
    if (iso > todayJst()) {
      ctx.addIssue({ code: 'custom', message: '未来の日付は入力できません' });
      return z.NEVER;
    }
    if (iso < '1890-01-01') {
      ctx.addIssue({ code: 'custom', message: '日付を確認してください' });
      return z.NEVER;
    }
    return iso;
  })
  .nullable()
  .optional()
  .describe('生年月日');

const kana = z
  .string()
  .trim()
  .max(100)
  .regex(/^[\u3041-\u3096\u30a1-\u30fa\u30fc\uff66-\uff9f\s\u3000・ー゛゜]*$/, 'ひらがな・カタカナで入力してください')
  .nullable()
  .optional()
  .describe('氏名（カナ）');

const phone = z
  .string()
  .trim()
  .max(40)
  .regex(/^[0-9０-９\-－‐()（）+＋\s]*$/, '電話番号は数字とハイフンで入力してください')
  .nullable()
  .optional()
  .describe('電話番号');

const personFields = {
  name: text(100, '氏名'),
  nameKana: kana,
  alias: text(200, '呼び名・特徴（氏名不明のとき）'),
  birthDate: birthDateInput,
  ageBand: z.enum(AGE_BANDS).nullable().optional().describe('年代'),
  gender: z.enum(GENDERS).optional().describe('性別'),
  address: text(300, '住所'),
  phone,
  contactCaution: text(500, '連絡上の注意'),
};

export const personInputSchema = z
  .object({
    ...personFields,
    /** Save even though likely duplicates were shown. */
    confirmNotDuplicate: z.boolean().optional().describe('重複の可能性を確認済み'),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (!value.name && !value.alias) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: '氏名を入力してください（わからないときは「呼び名・特徴」を入力）' });
    }
  });
export type PersonInput = z.infer<typeof personInputSchema>;

export const personPatchSchema = z
  .object({ ...personFields, version: int32({ min: 1 }).describe('版（同時編集の確認用）') })
  .strict();
export type PersonPatch = z.infer<typeof personPatchSchema>;

export const duplicateQuerySchema = z
  .object({
    name: personFields.name,
    nameKana: personFields.nameKana,
    birthDate: personFields.birthDate,
    phone: personFields.phone,
    address: personFields.address,
  })
  .strict();
export type DuplicateQuery = z.infer<typeof duplicateQuerySchema>;

export const personSearchSchema = z
  .object({
    q: z.string().trim().max(100).optional().describe('氏名・カナ（一部でも可）'),
    birthDate: birthDateInput,
    phone: z.string().trim().max(40).optional().describe('電話番号（一部でも可）'),
    address: z.string().trim().max(100).optional().describe('住所（一部でも可）'),
    limit: int32Text({ min: 1, max: 100 }).default(30),
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type PersonSearch = z.infer<typeof personSearchSchema>;

export const linkSchema = z
  .object({
    otherPersonId: z.uuid().describe('同一人物とする登録'),
    reason: z.string().trim().min(1).max(500).describe('理由'),
  })
  .strict();

export const unlinkSchema = z.object({ reason: z.string().trim().min(1).max(500).describe('理由') }).strict();

export const emergencySchema = z
  .object({
    personId: z.uuid().describe('本人'),
    reason: z.string().trim().min(10).max(2000).describe('緊急に閲覧する理由'),
  })
  .strict();

const memberInput = z
  .object({
    personId: z.uuid().describe('世帯員'),
    relationship: z.enum(RELATIONSHIPS).describe('続柄'),
    livingTogether: z.boolean().default(true).describe('同居'),
    situation: text(500, '状況'),
  })
  .strict();

export const householdInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100).describe('世帯名'),
    address: text(300, '住所'),
    note: text(2000, '備考'),
    members: z.array(memberInput).max(30).default([]).describe('世帯員'),
  })
  .strict();
export type HouseholdInput = z.infer<typeof householdInputSchema>;

export const householdPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional().describe('世帯名'),
    address: text(300, '住所'),
    note: text(2000, '備考'),
    version: int32({ min: 1 }).describe('版（同時編集の確認用）'),
  })
  .strict();

export const memberSchema = memberInput;
export const memberPatchSchema = memberInput.omit({ personId: true }).partial().strict();
