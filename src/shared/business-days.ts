/**
 * Business days for referral deadlines: weekends, Japanese national
 * holidays (国民の祝日, 振替休日, 国民の休日), the year-end closure
 * (12/29–1/3) and the municipality's own closed days are not counted.
 */
function iso(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function nthMonday(y: number, m: number, n: number): number {
  const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
  const offset = (8 - first) % 7;
  return 1 + offset + (n - 1) * 7;
}

function equinoxDay(y: number, spring: boolean): number {
  // Valid for 1980–2099.
  const base = spring ? 20.8431 : 23.2488;
  return Math.floor(base + 0.242194 * (y - 1980) - Math.floor((y - 1980) / 4));
}

const cache = new Map<number, Set<string>>();

export function japaneseHolidays(y: number): Set<string> {
  const cached = cache.get(y);
  if (cached) return cached;
  const days = new Set<string>([
    iso(y, 1, 1),
    iso(y, 1, nthMonday(y, 1, 2)),
    iso(y, 2, 11),
    iso(y, 2, 23),
    iso(y, 3, equinoxDay(y, true)),
    iso(y, 4, 29),
    iso(y, 5, 3),
    iso(y, 5, 4),
    iso(y, 5, 5),
    iso(y, 7, nthMonday(y, 7, 3)),
    iso(y, 8, 11),
    iso(y, 9, nthMonday(y, 9, 3)),
    iso(y, 9, equinoxDay(y, false)),
    iso(y, 10, nthMonday(y, 10, 2)),
    iso(y, 11, 3),
    iso(y, 11, 23),
  ]);
  // 振替休日: a holiday on Sunday moves to the next non-holiday.
  for (const day of [...days].sort()) {
    const d = new Date(`${day}T00:00:00Z`);
    if (d.getUTCDay() === 0) {
      const next = new Date(d);
      do next.setUTCDate(next.getUTCDate() + 1);
      while (days.has(next.toISOString().slice(0, 10)));
      days.add(next.toISOString().slice(0, 10));
    }
  }
  // 国民の休日: a weekday between two holidays.
  for (let m = 1; m <= 12; m++) {
    for (let d = 2; d <= 30; d++) {
      const date = new Date(Date.UTC(y, m - 1, d));
      if (date.getUTCMonth() !== m - 1) continue;
      const before = new Date(date.getTime() - 86_400_000).toISOString().slice(0, 10);
      const after = new Date(date.getTime() + 86_400_000).toISOString().slice(0, 10);
      if (days.has(before) && days.has(after) && date.getUTCDay() !== 0) days.add(date.toISOString().slice(0, 10));
    }
  }
  cache.set(y, days);
  return days;
}

export function isBusinessDay(day: string, extraClosed: ReadonlySet<string> = new Set()): boolean {
  const d = new Date(`${day}T00:00:00Z`);
  const dow = d.getUTCDay();
  if (dow === 0 || dow === 6) return false;
  const [, m, dd] = day.split('-').map(Number) as [number, number, number];
  if ((m === 12 && dd >= 29) || (m === 1 && dd <= 3)) return false;
  if (japaneseHolidays(d.getUTCFullYear()).has(day)) return false;
  return !extraClosed.has(day);
}

/**
 * The moment a referral sent at `from` becomes overdue: the end (24:00 JST)
 * of the n-th business day after the day it was sent.
 */
export function addBusinessDays(from: Date, n: number, extraClosed: readonly string[] = []): Date {
  const closed = new Set(extraClosed);
  const jst = new Date(from.getTime() + 9 * 3600_000);
  let day = jst.toISOString().slice(0, 10);
  let count = 0;
  while (count < n) {
    const d = new Date(`${day}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    day = d.toISOString().slice(0, 10);
    if (isBusinessDay(day, closed)) count += 1;
  }
  const end = new Date(`${day}T00:00:00+09:00`);
  return new Date(end.getTime() + 86_400_000);
}
