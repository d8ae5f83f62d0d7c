/** 課題 taxonomy (MHLW 相談受付・申込票, extended for 重層) and the other intake choices (DOMAIN.md §3). */
export const ISSUES = [
  '病気・健康・障害',
  '住まい',
  '収入・生活費',
  '家賃・ローン',
  '税金・公共料金',
  '債務',
  '仕事探し・就職',
  '仕事上の不安・トラブル',
  '地域との関係',
  '家族との関係',
  '子育て',
  '介護',
  'ひきこもり・不登校',
  'DV・虐待',
  '食べるものがない',
  '8050',
  'ダブルケア',
  'ヤングケアラー',
  '社会的孤立',
  '希死念慮',
  '消費者被害',
  '犯罪・司法',
  'その他',
] as const;

export const CHANNELS = ['来所', '電話', '訪問', 'メール', '関係機関から', '民生委員・地域住民から', 'その他'] as const;
export const CONSULTER_TYPES = ['本人', '家族', '関係者', '匿名'] as const;
export const URGENCIES = ['通常', '至急', '緊急'] as const;
/** Flags that make a consultation urgent and alert the coordinators at once. */
export const URGENT_FLAGS = ['希死念慮', '虐待', 'DV（危険あり）'] as const;
export const RESPONSES = ['助言・情報提供で終了', '他機関へつなぎ', '多機関協働へ', 'アウトリーチへ', '継続相談'] as const;
export const CONSENT_STATUSES = ['あり', 'なし', '未確認'] as const;

export const REFERRAL_STATUS_LABELS: Record<string, string> = {
  sent: '送付',
  accepted: '受理',
  returned: '差戻し',
  in_progress: '対応中',
  completed: '完了',
};
