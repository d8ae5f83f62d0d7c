import { z } from '../shared/zod-ja.ts';
import { birthDateInput } from '../people/schema.ts';

/** A consent purpose: a built-in one or a municipality's own (x_…, src/municipalities/taxonomy.ts), checked by the service. */
export const consentPurposeCode = z
  .string()
  .regex(/^(meeting_sharing|agency_sharing|x_[a-z0-9]{1,40})$/, '一覧から選んでください');

/** 同意 (consent): versioned per person and purpose; a refusal is recorded as a refusal. */
export const consentInputSchema = z
  .object({
    personId: z.uuid().describe('本人'),
    purpose: consentPurposeCode.describe('目的'),
    decision: z.enum(['granted', 'refused']).describe('本人の意思'),
    scopeKind: z.enum(['all', 'listed']).default('all').describe('範囲'),
    agencyIds: z.array(z.uuid()).max(200).default([]).describe('情報提供先の機関'),
    consentedOn: birthDateInput.describe('同意（確認）日'),
    method: z.enum(['書面', '口頭']).describe('方法'),
    note: z.string().trim().max(2000).nullable().optional().describe('備考'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.consentedOn) ctx.addIssue({ code: 'custom', path: ['consentedOn'], message: '入力してください' });
    if (v.decision === 'granted' && v.scopeKind === 'listed' && v.agencyIds.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['agencyIds'], message: '情報提供先の機関を1つ以上選んでください' });
    }
  });
export type ConsentInput = z.infer<typeof consentInputSchema>;

export const withdrawSchema = z
  .object({
    withdrawnOn: birthDateInput.describe('撤回日'),
    reason: z.string().trim().max(1000).nullable().optional().describe('撤回の理由・経緯'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.withdrawnOn) ctx.addIssue({ code: 'custom', path: ['withdrawnOn'], message: '入力してください' });
  });

export const DOCUMENT_MAX_BYTES = 5 * 1024 * 1024;
export const DOCUMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;

/** The real type of an uploaded file, from its first bytes (never from what the client claims). */
export function sniffDocumentType(bytes: Buffer): (typeof DOCUMENT_TYPES)[number] | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return null;
}
