import { int32, int32Text, z } from '../shared/zod-ja.ts';
import { ROLES } from '../shared/roles.ts';

const loginId = z
  .string()
  .trim()
  .min(3)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, '半角英数字と . _ @ - で入力してください')
  .describe('ログインID');

export const userCreateSchema = z
  .object({
    loginId,
    name: z.string().trim().min(1).max(100).describe('氏名'),
    role: z.enum(ROLES).describe('役割'),
    agencyId: z.uuid().describe('所属機関'),
    password: z.string().max(200).optional().describe('初期パスワード'),
  })
  .strict();
export type UserCreate = z.infer<typeof userCreateSchema>;

export const userPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional().describe('氏名'),
    role: z.enum(ROLES).optional().describe('役割'),
    agencyId: z.uuid().optional().describe('所属機関'),
    active: z.boolean().optional().describe('利用中'),
    version: int32({ min: 1 }).describe('版（同時編集の確認用）'),
  })
  .strict();
export type UserPatch = z.infer<typeof userPatchSchema>;

export const userListQuery = z
  .object({
    q: z.string().trim().max(100).optional().describe('氏名・ログインIDで検索'),
    role: z.enum(ROLES).optional(),
    agencyId: z.uuid().optional(),
    limit: int32Text({ min: 1, max: 200 }).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();

export const resetPasswordSchema = z
  .object({ password: z.string().max(200).optional().describe('新しいパスワード') })
  .strict();

export const userView = z.object({
  id: z.string(),
  loginId: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  roleLabel: z.string(),
  agencyId: z.string(),
  agencyName: z.string(),
  active: z.boolean(),
  locked: z.boolean(),
  lockedAt: z.string().nullable(),
  failedAttempts: z.number(),
  totpEnabled: z.boolean(),
  mustChangePassword: z.boolean(),
  lastLoginAt: z.string().nullable(),
  version: z.number(),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof userView>;
