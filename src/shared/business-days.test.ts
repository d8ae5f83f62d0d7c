import { describe, expect, it } from 'vitest';
import { addBusinessDays, isBusinessDay, japaneseHolidays } from './business-days.ts';

describe('Japanese national holidays', () => {
  it('lists the 2026 holidays, with 振替休日 and 国民の休日', () => {
    expect([...japaneseHolidays(2026)].sort()).toEqual([
      '2026-01-01', // 元日
      '2026-01-12', // 成人の日 (2nd Monday)
      '2026-02-11', // 建国記念の日
      '2026-02-23', // 天皇誕生日
      '2026-03-20', // 春分の日
      '2026-04-29', // 昭和の日
      '2026-05-03', // 憲法記念日 (Sunday)
      '2026-05-04', // みどりの日
      '2026-05-05', // こどもの日
      '2026-05-06', // 振替休日 for 5/3
      '2026-07-20', // 海の日 (3rd Monday)
      '2026-08-11', // 山の日
      '2026-09-21', // 敬老の日 (3rd Monday)
      '2026-09-22', // 国民の休日 (between 敬老の日 and 秋分の日)
      '2026-09-23', // 秋分の日
      '2026-10-12', // スポーツの日 (2nd Monday)
      '2026-11-03', // 文化の日
      '2026-11-23', // 勤労感謝の日
    ]);
  });

  it('moves a Sunday holiday to the next day that is not a holiday', () => {
    // 2025-02-23 (天皇誕生日) and 2025-11-23 (勤労感謝の日) fall on Sundays.
    expect(japaneseHolidays(2025).has('2025-02-24')).toBe(true);
    expect(japaneseHolidays(2025).has('2025-11-24')).toBe(true);
    // 2025-05-04 (Sunday, みどりの日) moves past 5/5 to 5/6.
    expect(japaneseHolidays(2025).has('2025-05-06')).toBe(true);
    // Equinoxes of 2025: 3/20 and 9/23.
    expect(japaneseHolidays(2025).has('2025-03-20')).toBe(true);
    expect(japaneseHolidays(2025).has('2025-09-23')).toBe(true);
  });

  it('does not invent a 国民の休日 where there is none', () => {
    // 2025: 敬老の日 9/15 and 秋分の日 9/23 are a week apart.
    expect(japaneseHolidays(2025).has('2025-09-22')).toBe(false);
    expect(japaneseHolidays(2026).has('2026-05-07')).toBe(false);
  });
});

describe('business days', () => {
  it.each([
    ['2026-05-01', true], // Friday
    ['2026-05-02', false], // Saturday
    ['2026-05-03', false], // Sunday, 憲法記念日
    ['2026-05-06', false], // 振替休日
    ['2026-05-07', true],
    ['2026-09-22', false], // 国民の休日
    ['2026-12-28', true], // last working day of the year
    ['2026-12-29', false],
    ['2026-12-31', false],
    ['2027-01-01', false],
    ['2027-01-04', true], // first working day (Monday)
    ['2026-01-02', false],
    ['2026-01-05', true],
  ])('%s is a business day: %s', (day, expected) => {
    expect(isBusinessDay(day)).toBe(expected);
  });

  it("counts the municipality's own closed days", () => {
    expect(isBusinessDay('2026-06-01')).toBe(true);
    expect(isBusinessDay('2026-06-01', new Set(['2026-06-01']))).toBe(false);
  });

  it('adds business days over a weekend and the Golden Week holidays', () => {
    // Sent Friday 2026-05-01 10:00 JST: 5/2–5/6 are closed, so 5/7 (1), 5/8 (2), 5/11 (3).
    const due = addBusinessDays(new Date('2026-05-01T01:00:00Z'), 3);
    expect(due.toISOString()).toBe('2026-05-11T15:00:00.000Z'); // 24:00 JST of 5/11
  });

  it('adds business days over a plain weekend', () => {
    // Sent Thursday 2026-06-04 17:00 JST: Fri 6/5 (1), Mon 6/8 (2), Tue 6/9 (3).
    expect(addBusinessDays(new Date('2026-06-04T08:00:00Z'), 3).toISOString()).toBe('2026-06-09T15:00:00.000Z');
    // One business day from a Friday evening is the end of Monday.
    expect(addBusinessDays(new Date('2026-06-05T10:00:00Z'), 1).toISOString()).toBe('2026-06-08T15:00:00.000Z');
  });

  it('reads the sending day in Japan time', () => {
    // 2026-06-04T16:00Z is already Friday 6/5 01:00 in Japan: Mon 6/8 (1).
    expect(addBusinessDays(new Date('2026-06-04T16:00:00Z'), 1).toISOString()).toBe('2026-06-08T15:00:00.000Z');
  });

  it('skips the year-end closure 12/29–1/3', () => {
    // Sent Monday 2026-12-28: 12/29–1/3 closed, so Mon 1/4 (1), Tue 1/5 (2), Wed 1/6 (3).
    expect(addBusinessDays(new Date('2026-12-28T01:00:00Z'), 3).toISOString()).toBe('2027-01-06T15:00:00.000Z');
  });

  it("skips the municipality's closed days", () => {
    const due = addBusinessDays(new Date('2026-06-04T08:00:00Z'), 3, ['2026-06-08']);
    expect(due.toISOString()).toBe('2026-06-10T15:00:00.000Z');
  });
});
