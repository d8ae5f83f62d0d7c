/**
 * Japanese date conventions: 西暦 with 和暦, e.g. 2025年4月1日（令和7年）,
 * and 年度 (April to March).
 */
interface Era {
  name: string;
  start: [number, number, number];
}

const ERAS: Era[] = [
  { name: '令和', start: [2019, 5, 1] },
  { name: '平成', start: [1989, 1, 8] },
  { name: '昭和', start: [1926, 12, 25] },
  { name: '大正', start: [1912, 7, 30] },
  { name: '明治', start: [1868, 1, 25] },
];

function ymd(date: Date | string): [number, number, number] {
  if (typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date)) {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return [y, m, d];
  }
  const d = typeof date === 'string' ? new Date(date) : date;
  // Calendar dates are shown in Japan time whatever the server's zone.
  const jst = new Date(d.getTime() + 9 * 3600_000);
  return [jst.getUTCFullYear(), jst.getUTCMonth() + 1, jst.getUTCDate()];
}

function compare(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** 和暦 year label for a date, e.g. 令和7年, 平成元年. */
export function warekiYear(date: Date | string): string {
  const parts = ymd(date);
  const era = ERAS.find((e) => compare(parts, e.start) >= 0);
  if (!era) return `${parts[0]}年`;
  const n = parts[0] - era.start[0] + 1;
  return `${era.name}${n === 1 ? '元' : n}年`;
}

/** 2025年4月1日（令和7年） */
export function formatDate(date: Date | string | null | undefined): string {
  if (!date) return '';
  const [y, m, d] = ymd(date);
  return `${y}年${m}月${d}日（${warekiYear(date)}）`;
}

/** 2025年4月1日（令和7年） 14:05 */
export function formatDateTime(date: Date | string | null | undefined): string {
  if (!date) return '';
  const d = typeof date === 'string' ? new Date(date) : date;
  const jst = new Date(d.getTime() + 9 * 3600_000);
  const hh = String(jst.getUTCHours()).padStart(2, '0');
  const mm = String(jst.getUTCMinutes()).padStart(2, '0');
  return `${formatDate(d)} ${hh}:${mm}`;
}

/** 年度 (fiscal year starting in April) of a date. */
export function fiscalYear(date: Date | string): number {
  const [y, m] = ymd(date);
  return m >= 4 ? y : y - 1;
}

/**
 * 令和7年度（2025年度）. A fiscal year takes the era of its calendar year's
 * end: 2019年度 is 令和元年度 (the era changed on 1 May 2019), 1988年度 stays 昭和63年度.
 */
export function formatFiscalYear(year: number): string {
  return `${warekiYear(`${year}-12-31`).replace(/年$/, '')}年度（${year}年度）`;
}
