import { int32, z } from '../shared/zod-ja.ts';
import { RETENTION_PERIODS } from '../shared/retention.ts';

/**
 * The retention settings of a municipality (part of its settings; the
 * reasoning behind the defaults and bounds is in src/shared/retention.ts).
 * Only the administrator changes them (PATCH /municipality/settings, audited
 * as settings.update with the changed values).
 */
const years = (p: (typeof RETENTION_PERIODS)[number]) =>
  int32({ min: p.min, max: p.max }).default(p.defaultYears).describe(`保存期間：${p.label}（年）`);

const [cases, consultations, outreach, consents, scans] = RETENTION_PERIODS as [
  (typeof RETENTION_PERIODS)[number],
  (typeof RETENTION_PERIODS)[number],
  (typeof RETENTION_PERIODS)[number],
  (typeof RETENTION_PERIODS)[number],
  (typeof RETENTION_PERIODS)[number],
];

export const RETENTION_SETTINGS = {
  retentionClosedCaseYears: years(cases),
  retentionConsultationYears: years(consultations),
  retentionOutreachYears: years(outreach),
  retentionConsentYears: years(consents),
  retentionConsentScanYears: years(scans),
  retentionAutoRun: z.boolean().default(true).describe('保存期間を過ぎた個人情報を毎日自動で匿名化する'),
};
