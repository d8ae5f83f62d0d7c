import { describe, expect, it } from 'vitest';
import { ageOn, parseDateInput, todayJst } from './date-input.ts';

describe('parseDateInput', () => {
  it.each([
    // 西暦
    ['1945-08-15', '1945-08-15'],
    ['1945/8/15', '1945-08-15'],
    ['1945.8.15', '1945-08-15'],
    ['1945年8月15日', '1945-08-15'],
    ['1945年8月15', '1945-08-15'],
    // 和暦
    ['昭和20年8月15日', '1945-08-15'],
    ['令和元年5月1日', '2019-05-01'],
    ['令和7年4月1日', '2025-04-01'],
    ['平成元年1月8日', '1989-01-08'],
    ['大正元年7月30日', '1912-07-30'],
    ['明治45年7月29日', '1912-07-29'],
    // 略号 (upper or lower case)
    ['S20.8.15', '1945-08-15'],
    ['s20.8.15', '1945-08-15'],
    ['H31/4/30', '2019-04-30'],
    ['R1.5.1', '2019-05-01'],
    ['R7-4-1', '2025-04-01'],
    ['T15.12.24', '1926-12-24'],
    // 全角 and spaces
    ['１９４５年８月１５日', '1945-08-15'],
    ['昭和２０年８月１５日', '1945-08-15'],
    ['Ｓ２０．８．１５', '1945-08-15'],
    [' 1945 - 08 - 15 ', '1945-08-15'],
    ['昭和 20年 8月 15日', '1945-08-15'],
    // Leap days
    ['2024-02-29', '2024-02-29'],
    ['平成12年2月29日', '2000-02-29'],
  ])('%s → %s', (input, expected) => {
    expect(parseDateInput(input)).toBe(expected);
  });

  it.each([
    ['2023-02-29'],
    ['1900-02-29'],
    ['2025-13-01'],
    ['2025-04-31'],
    ['2025-00-10'],
    ['2025-04-00'],
    ['昭和20年13月1日'],
    ['令和0年1月1日'],
    ['abc'],
    [''],
    ['1945'],
    ['20-8-15'],
    ['X20.8.15'],
    ['昭和20年8月15日生'],
    ['1945-08-15T00:00:00Z'],
  ])('%s is not a date', (input) => {
    expect(parseDateInput(input)).toBeNull();
  });

  it.each([
    ['平成31年4月30日', '2019-04-30'],
    ['平成31年5月1日', null],
    ['令和元年4月30日', null],
    ['昭和64年1月7日', '1989-01-07'],
    ['昭和64年1月8日', null],
    ['平成元年1月7日', null],
    ['明治45年7月30日', null],
    ['大正元年7月29日', null],
    ['大正15年12月24日', '1926-12-24'],
    ['大正15年12月25日', null],
    ['昭和元年12月25日', '1926-12-25'],
    ['昭和元年12月24日', null],
    ['平成40年1月1日', null],
  ])('era boundary: %s → %s', (input, expected) => {
    expect(parseDateInput(input)).toBe(expected);
  });
});

describe('ages and today in Japan time', () => {
  it('counts whole years, the birthday included', () => {
    const on = new Date('2026-05-03T03:00:00Z'); // 2026-05-03 12:00 JST
    expect(ageOn('1944-05-03', on)).toBe(82);
    expect(ageOn('1944-05-04', on)).toBe(81);
    expect(ageOn('2010-05-02', on)).toBe(16);
    expect(ageOn('2026-05-03', on)).toBe(0);
  });

  it('reads the day in Japan time', () => {
    // 2026-05-02T15:30Z is already 5/3 in Japan.
    const on = new Date('2026-05-02T15:30:00Z');
    expect(todayJst(on)).toBe('2026-05-03');
    expect(ageOn('1944-05-03', on)).toBe(82);
    expect(todayJst(new Date('2026-05-02T14:59:59Z'))).toBe('2026-05-02');
  });

  it('handles a birthday on 29 February', () => {
    expect(ageOn('2000-02-29', new Date('2025-02-28T03:00:00Z'))).toBe(24);
    expect(ageOn('2000-02-29', new Date('2025-03-01T03:00:00Z'))).toBe(25);
  });
});
