/**
 * Reading dates as staff type them: 1945-08-15, 1945/8/15, 昭和20年8月15日,
 * S20.8.15, 令和元年5月1日, R7/4/1 (full-width digits too). Returns
 * 'YYYY-MM-DD' or null when the text is not a real calendar date.
 */
const ERA_START: Record<string, [number, number, number]> = {
  令和: [2019, 5, 1],
  平成: [1989, 1, 8],
  昭和: [1926, 12, 25],
  大正: [1912, 7, 30],
  明治: [1868, 1, 25],
};
const ERA_LETTERS: Record<string, string> = { R: '令和', H: '平成', S: '昭和', T: '大正', M: '明治' };

function toHalfWidth(text: string): string {
  return text.normalize('NFKC').replace(/\s/g, '');
}

function valid(y: number, m: number, d: number): string | null {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function parseDateInput(input: string): string | null {
  const text = toHalfWidth(input);
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text);
  if (m) return valid(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(令和|平成|昭和|大正|明治|[RHSTM])(元|\d{1,2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/i.exec(text);
  if (m) {
    const era = ERA_LETTERS[m[1]!.toUpperCase()] ?? m[1]!;
    const start = ERA_START[era];
    if (!start) return null;
    const n = m[2] === '元' ? 1 : Number(m[2]);
    const iso = valid(start[0] + n - 1, Number(m[3]), Number(m[4]));
    if (!iso) return null;
    // The date must fall inside the era (昭和64年1月8日 does not exist).
    const [sy, sm, sd] = start;
    const startIso = valid(sy, sm, sd)!;
    if (iso < startIso) return null;
    const next = Object.values(ERA_START).filter((s) => valid(...s)! > startIso).sort((a, b) => (valid(...a)! < valid(...b)! ? -1 : 1))[0];
    if (next && iso >= valid(...next)!) return null;
    return iso;
  }
  return null;
}

/** Age in whole years on `on` (default today, Japan time) for a 'YYYY-MM-DD' birth date. */
export function ageOn(birthDate: string, on: Date = new Date()): number {
  const jst = new Date(on.getTime() + 9 * 3600_000);
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = jst.getUTCFullYear() - y;
  if (jst.getUTCMonth() + 1 < m || (jst.getUTCMonth() + 1 === m && jst.getUTCDate() < d)) age -= 1;
  return age;
}

/** Today's date in Japan as 'YYYY-MM-DD'. */
export function todayJst(now: Date = new Date()): string {
  return new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}
