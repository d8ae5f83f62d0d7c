import { describe, expect, it } from 'vitest';
import { fiscalYear, formatDate, formatDateTime, formatFiscalYear, warekiYear } from './dates.ts';

describe('Japanese dates', () => {
  it('formats a date in 西暦 with the 和暦 year', () => {
    expect(formatDate('2025-04-01')).toBe('2025年4月1日（令和7年）');
    expect(formatDate('2019-12-31')).toBe('2019年12月31日（令和元年）');
    expect(formatDate(null)).toBe('');
    expect(formatDate(undefined)).toBe('');
  });

  it.each([
    ['2019-04-30', '平成31年'],
    ['2019-05-01', '令和元年'],
    ['2020-01-01', '令和2年'],
    ['1989-01-07', '昭和64年'],
    ['1989-01-08', '平成元年'],
    ['1945-08-15', '昭和20年'],
    ['1926-12-25', '昭和元年'],
    ['1926-12-24', '大正15年'],
    ['1912-07-30', '大正元年'],
    ['1900-01-01', '明治33年'],
    ['1868-01-24', '1868年'],
  ])('%s is %s', (date, year) => {
    expect(warekiYear(date)).toBe(year);
  });

  it('reads instants in Japan time whatever the server zone', () => {
    // 2019-04-30T15:00Z is 2019-05-01 00:00 in Japan: the first day of 令和.
    expect(warekiYear(new Date('2019-04-30T15:00:00Z'))).toBe('令和元年');
    expect(warekiYear(new Date('2019-04-30T14:59:59Z'))).toBe('平成31年');
    expect(formatDateTime('2025-03-31T15:05:00Z')).toBe('2025年4月1日（令和7年） 00:05');
    expect(formatDateTime(new Date('2025-04-01T05:30:00Z'))).toBe('2025年4月1日（令和7年） 14:30');
    expect(formatDateTime(null)).toBe('');
  });

  it.each([
    ['2026-03-31', 2025],
    ['2026-04-01', 2026],
    ['2025-04-01', 2025],
    ['2025-01-15', 2024],
    ['2025-12-31', 2025],
  ])('年度 of %s is %i', (date, year) => {
    expect(fiscalYear(date)).toBe(year);
  });

  it('the fiscal year of an instant is taken in Japan time', () => {
    // 2026-03-31T15:00Z is already 1 April in Japan.
    expect(fiscalYear(new Date('2026-03-31T15:00:00Z'))).toBe(2026);
    expect(fiscalYear(new Date('2026-03-31T14:59:59Z'))).toBe(2025);
  });

  it('labels a fiscal year', () => {
    expect(formatFiscalYear(2025)).toBe('令和7年度（2025年度）');
    expect(formatFiscalYear(2019)).toBe('令和元年度（2019年度）');
    expect(formatFiscalYear(2018)).toBe('平成30年度（2018年度）');
    expect(formatFiscalYear(1989)).toBe('平成元年度（1989年度）');
    expect(formatFiscalYear(1988)).toBe('昭和63年度（1988年度）');
  });
});
