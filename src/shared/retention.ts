/**
 * Retention periods of personal data (保存期間), per record type: the
 * settings' keys, bounds, defaults and the help text the settings page shows.
 * Server (src/retention) and web read the same list.
 *
 * Why these defaults. Municipalities keep their files under their own
 * 文書管理規程 (公文書管理条例), whose classes are usually 1, 3, 5, 10 and 30
 * years; records of individual support (ケース記録, 相談記録 of 生活困窮者自立支援,
 * 地域包括支援センター, 障害者相談支援) are commonly classed 5年, and the period
 * counts from 1 April of the 年度 after the one in which the file was closed
 * (完結した日の属する年度の翌年度の4月1日から起算). kasane counts the same way:
 * a case closed in 令和2年度 is kept to 31 March 令和8年 (5 years) and
 * anonymised from 1 April 令和8年.
 *  - closed cases: 5 years after closure (the case file of 多機関協働).
 *  - consultations that never became a case: 5 years after receipt, like the
 *    相談記録 of the windows (people come back, and the record shows what was
 *    advised).
 *  - outreach subjects: 3 years after the last contact attempt — the data was
 *    gathered without the person's consent, so it is kept the shortest; once
 *    the person consents, they become a person and case with those periods.
 *    (The outreach records are not built yet: the setting is ready for them.)
 *  - consents: 5 years after withdrawal or after the end of the person's last
 *    case — the consent is the lawful basis of every sharing under it, so it
 *    is kept as long as the records shared under it.
 *  - scanned consent forms: 5 years, as the consent they prove; a city that
 *    keeps the signed paper original may set a shorter period for the scan.
 * Lower bounds keep an accidental setting from wiping records people may come
 * back to (3 years for cases and consents: the shortest class used for
 * individual records); 30 years is the longest class short of 永年.
 *
 * In every case a person's records are kept while the person has an open
 * case, an open referral, a live emergency access or any activity after the
 * period's start: a person's file expires as a whole, from the last contact.
 */
export const RETENTION_KINDS = ['closedCases', 'consultations', 'outreachSubjects', 'consents', 'consentScans'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

export interface RetentionPeriod {
  kind: RetentionKind;
  /** The settings key (years). */
  key: 'retentionClosedCaseYears' | 'retentionConsultationYears' | 'retentionOutreachYears' | 'retentionConsentYears' | 'retentionConsentScanYears';
  label: string;
  /** From when the period counts. */
  countsFrom: string;
  min: number;
  max: number;
  defaultYears: number;
  /** Help text on the settings page: what is removed and why this default. */
  hint: string;
  /** False while the records of this kind do not exist in kasane yet. */
  available: boolean;
}

export const RETENTION_PERIODS: readonly RetentionPeriod[] = [
  {
    kind: 'closedCases',
    key: 'retentionClosedCaseYears',
    label: '終結・中断した事例（多機関協働）',
    countsFrom: '終結（中断）した日',
    min: 3,
    max: 30,
    defaultYears: 5,
    hint:
      '多くの自治体の文書管理規程で、個別支援の記録（ケース記録）は5年保存とされています。終結した年度の翌年度の4月1日から数えます。期間を過ぎると、アセスメント・プラン・支援経過記録・議事録の本文と氏名を消し、日付・機関・状態・終結理由・件数は残します。',
    available: true,
  },
  {
    kind: 'consultations',
    key: 'retentionConsultationYears',
    label: '事例にならなかった相談受付・つなぎ',
    countsFrom: '受付日',
    min: 1,
    max: 30,
    defaultYears: 5,
    hint:
      '窓口の相談記録と同じく5年を標準とします。受付した年度の翌年度の4月1日から数えます。相談者名・主訴・相談内容・つなぎの本文を消し、受付日・機関・相談経路・課題・対応は残します（年度の件数は変わりません）。',
    available: true,
  },
  {
    kind: 'outreachSubjects',
    key: 'retentionOutreachYears',
    label: 'アウトリーチ対象者',
    countsFrom: '最後に接触を試みた日',
    min: 1,
    max: 30,
    defaultYears: 3,
    hint:
      '本人の同意なく把握した情報のため、最も短い3年を標準とします。同意を得て本人・事例になった後は、それぞれの保存期間によります。（アウトリーチの記録はまだ kasane にありません。記録できるようになると、この設定が使われます。）',
    available: false,
  },
  {
    kind: 'consents',
    key: 'retentionConsentYears',
    label: '同意の記録',
    countsFrom: '撤回した日、または最後の事例が終結した日',
    min: 3,
    max: 30,
    defaultYears: 5,
    hint:
      '同意は、その同意にもとづいて共有した記録の根拠なので、事例と同じ5年を標準とします。同意の備考・撤回理由を消し、同意の有無・目的・日付は残します。',
    available: true,
  },
  {
    kind: 'consentScans',
    key: 'retentionConsentScanYears',
    label: '同意書のスキャン',
    countsFrom: '撤回した日、または最後の事例が終結した日',
    min: 1,
    max: 30,
    defaultYears: 5,
    hint:
      '署名した同意書の写しです。同意の記録と同じ5年を標準とします。紙の原本を文書管理規程で保存している場合は、短くできます。期間を過ぎたファイルは削除します。',
    available: true,
  },
];

/** The common rule, shown above the periods. */
export const RETENTION_RULE =
  '本人に支援中の事例・対応中のつなぎ・有効な緊急閲覧がある間、または保存期間の起算日より後に相談・支援・同意などの記録がある間は、その本人の記録は残します。氏名などの本人情報は、本人のすべての記録が期間を過ぎたときに消します。監査ログ（誰がいつ何を見たか）は、監査ログの保存年数に従い、ここでは消しません。';

/**
 * The first day that is still kept: records that ended before it are past
 * their period. The period counts from 1 April of the 年度 after the end, so
 * with `years` years the cut-off is 1 April of (this 年度 − years).
 * `today` is a Japan date 'YYYY-MM-DD'.
 */
export function retentionCutoff(years: number, today: string): string {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const fiscal = m >= 4 ? y : y - 1;
  return `${fiscal - years}-04-01`;
}
