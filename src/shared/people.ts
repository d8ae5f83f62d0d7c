/** Choices of the 本人 (person) and 世帯 (household) records (DOMAIN.md §3), shared by the API and the web UI. */
export const GENDERS = ['男', '女', 'その他', '不明'] as const;
export const AGE_BANDS = ['10代未満', '10代', '20代', '30代', '40代', '50代', '60代', '70代', '80代', '90代以上'] as const;
export const RELATIONSHIPS = ['本人', '配偶者', '子', '子の配偶者', '親', '配偶者の親', '兄弟姉妹', '祖父母', '孫', 'その他の親族', '同居人'] as const;
/** Household situations surfaced as hints (8050, ダブルケア, ヤングケアラー, 老老介護). */
export const HOUSEHOLD_PATTERNS = ['8050', 'ダブルケア', 'ヤングケアラー', '老老介護'] as const;
