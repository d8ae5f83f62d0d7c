/**
 * The write requests the bench and the load test send, shaped the way the
 * intake and records pages send them. `label` names the run in the
 * fictional text (ベンチマーク, 負荷試験).
 */

/** An anonymous phone consultation (匿名・電話). */
export function anonymousIntake(i: number, label: string) {
  return {
    channel: '電話',
    consulterType: '匿名',
    anonymous: true,
    subjectSummary: `東町の70代女性（${label} ${i}）`,
    chiefComplaint: '夫の介護で疲れている。相談先が分からない',
    content: `80代の夫を自宅で介護している。夜間に何度も起こされ、眠れない日が続いている。息子は遠方に住んでいて頼れない。介護保険のサービスは使っていない。名前は言いたくないが、どこに相談すればよいか知りたい。（${label}用の架空の相談）`,
    issues: ['介護', '病気・健康・障害', '社会的孤立'],
    primaryIssue: '介護',
    urgency: '通常',
    response: '助言・情報提供で終了',
    consentStatus: '未確認',
  };
}

/** A consultation about a person the user may see (本人 linked, 同意未確認). */
export function personIntake(personId: string, label: string) {
  return {
    channel: '来所',
    consulterType: '本人',
    personId,
    chiefComplaint: '家賃の支払いが遅れている',
    content: `仕事が減って収入が下がり、家賃を2か月滞納している。電気代の督促も来ている。（${label}用の架空の相談）`,
    issues: ['収入・生活費', '家賃・ローン', '税金・公共料金'],
    primaryIssue: '収入・生活費',
    urgency: '通常',
    response: '継続相談',
    consentStatus: '未確認',
  };
}

/** A phone call with the person (now, contact). */
export function recordBody(i: number, label: string) {
  return {
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    kind: '電話',
    content: `本人へ電話。体調と通院の様子を確認した。来週の面談の時間を決めた。（${label}用の架空の記録 ${i}）`,
    durationMinutes: 15,
    contact: true,
  };
}

/**
 * Person search as a window clerk types it: a surname or given name in kana
 * or kanji (variant kanji included: 髙橋 finds 高橋, 齋藤 finds 斎藤/齊藤/斉藤),
 * one- and two-character kanji fragments, surnames with the start of the
 * given name, full names, and a name nobody has. In a large city the bare
 * common names match more than PERSON_SEARCH_MATCH_LIMIT people and are
 * answered 422 search_too_broad (the clerk is asked to add a criterion).
 */
export const PERSON_TERMS = [
  'たかはし',
  '髙橋',
  'さとう',
  'ヨシコ',
  '一郎',
  'わたなべ',
  '齋藤',
  'やまざき',
  '森',
  'たかはし よしこ',
  'サイトウ ケイコ',
  'のぞみ',
  'わたなべ ひろ',
  'やまざき かず',
  '佐藤 美',
] as const;

/** A person search was answered: a page (200), or refused as too broad (422 search_too_broad). */
export function personSearchAnswered(res: { status: number; body: string }): boolean {
  return res.status === 200 || (res.status === 422 && res.body.includes('"search_too_broad"'));
}
