import { formatDate } from '../../shared/dates.ts';
import { ageOn, parseDateInput, todayJst } from '../../shared/date-input.ts';

export interface BirthDateReading {
  /** 'YYYY-MM-DD' when the text is a date. */
  iso: string | null;
  /** "1945年8月15日（昭和20年）・81歳" */
  preview: string | null;
  problem: string | null;
}

/** How a typed birth date (西暦 or 和暦) reads, for the live preview beside the box. */
export function readBirthDate(text: string): BirthDateReading {
  const trimmed = text.trim();
  if (!trimmed) return { iso: null, preview: null, problem: null };
  const iso = parseDateInput(trimmed);
  if (!iso) return { iso: null, preview: null, problem: '日付として読み取れません（例：1945-08-15、昭和20年8月15日、S20.8.15）' };
  if (iso > todayJst()) return { iso, preview: formatDate(iso), problem: '未来の日付です' };
  return { iso, preview: `${formatDate(iso)}・${ageOn(iso)}歳`, problem: null };
}

/** "1945年8月15日（昭和20年）・81歳" for a stored birth date, or the age band. */
export function birthLabel(p: { birthDate: string | null; age?: number | null; ageBand?: string | null }): string {
  if (p.birthDate) return `${formatDate(p.birthDate)}・${p.age ?? ageOn(p.birthDate)}歳`;
  return p.ageBand ?? '';
}
