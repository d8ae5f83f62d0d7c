import { describe, expect, it } from 'vitest';
import { householdPatterns, memberAge, type MemberFacts } from './patterns.ts';

const ON = new Date('2026-06-01T03:00:00Z');

/** A member born so that they are `age` on ON. */
function member(age: number, relationship: string, extra: Partial<MemberFacts> = {}): MemberFacts {
  return { relationship, livingTogether: true, birthDate: `${2026 - age}-01-01`, ageBand: null, gender: '不明', issues: [], ...extra };
}

const patternsOf = (members: MemberFacts[]) => householdPatterns(members, ON).map((h) => h.pattern);

describe('memberAge', () => {
  it('uses the birth date, or the middle of the age band', () => {
    expect(memberAge({ birthDate: '1944-05-03', ageBand: null }, ON)).toBe(82);
    expect(memberAge({ birthDate: null, ageBand: '50代' }, ON)).toBe(55);
    expect(memberAge({ birthDate: null, ageBand: '10代未満' }, ON)).toBe(5);
    expect(memberAge({ birthDate: null, ageBand: '90代以上' }, ON)).toBe(92);
    expect(memberAge({ birthDate: null, ageBand: null }, ON)).toBeNull();
  });
});

describe('householdPatterns', () => {
  it('8050: a parent in their 80s and a child in their 50s living together, with the reason', () => {
    const hints = householdPatterns([member(82, '本人'), member(54, '子', { issues: ['ひきこもり・不登校'] })], ON);
    expect(hints).toEqual([{ pattern: '8050', reason: '80代（82歳・本人）と50代（54歳・子）が同居（ひきこもりの相談あり）' }]);
  });

  it('8050 is not raised for members living apart', () => {
    expect(patternsOf([member(82, '本人'), member(54, '子', { livingTogether: false })])).toEqual([]);
  });

  it('8050 needs an age gap or the 8050 issue', () => {
    // 76 and 60 are only 16 years apart: not 8050 unless the issue is recorded.
    expect(patternsOf([member(76, '本人'), member(60, '配偶者')])).not.toContain('8050');
    expect(patternsOf([member(76, '本人'), member(60, '子', { issues: ['8050'] })])).toContain('8050');
  });

  it('8050 works from age bands when birth dates are unknown', () => {
    const hints = householdPatterns(
      [
        { relationship: '本人', livingTogether: true, birthDate: null, ageBand: '80代', gender: '女', issues: [] },
        { relationship: '子', livingTogether: true, birthDate: null, ageBand: '50代', gender: '男', issues: [] },
      ],
      ON,
    );
    expect(hints.map((h) => h.pattern)).toEqual(['8050']);
  });

  it('老老介護: everyone living together is 65 or older and care is an issue', () => {
    const hints = householdPatterns([member(78, '本人', { issues: ['介護'] }), member(80, '配偶者')], ON);
    expect(hints).toEqual([{ pattern: '老老介護', reason: '同居する世帯員が全員65歳以上（78歳・80歳）で、介護の相談がある' }]);
  });

  it('老老介護 is not raised when a younger member lives with them, or without care and under 75', () => {
    expect(patternsOf([member(78, '本人', { issues: ['介護'] }), member(80, '配偶者'), member(40, '子')])).not.toContain('老老介護');
    expect(patternsOf([member(68, '本人'), member(70, '配偶者')])).toEqual([]);
    // A younger member living apart does not count.
    expect(patternsOf([member(78, '本人', { issues: ['介護'] }), member(80, '配偶者'), member(40, '子', { livingTogether: false })])).toEqual([
      '老老介護',
    ]);
  });

  it('ダブルケア: a child under 15, a member 65 or older and a carer, with care or child-raising issues', () => {
    const family = [member(40, '本人', { issues: ['介護'] }), member(8, '子'), member(72, '親')];
    const hints = householdPatterns(family, ON);
    expect(hints.map((h) => h.pattern)).toEqual(['ダブルケア']);
    expect(hints[0]!.reason).toBe('15歳未満の子（1人）と65歳以上の家族（1人）が同居し、介護・子育ての相談がある');
    // Without a care or child-raising issue there is no hint.
    expect(patternsOf([member(40, '本人'), member(8, '子'), member(72, '親')])).toEqual([]);
  });

  it('ダブルケア from age bands: a child under 10 counts as under 15', () => {
    const band = (ageBand: string, relationship: string, issues: string[] = []): MemberFacts => ({
      relationship,
      livingTogether: true,
      birthDate: null,
      ageBand,
      gender: '不明',
      issues,
    });
    expect(patternsOf([band('30代', '本人', ['子育て']), band('10代未満', '子'), band('70代', '親')])).toEqual(['ダブルケア']);
  });

  it('ヤングケアラー: a 16-year-old and a parent who is ill, with no other adult', () => {
    const hints = householdPatterns([member(16, '本人'), member(45, '親', { issues: ['病気・健康・障害'] })], ON);
    expect(hints.map((h) => h.pattern)).toEqual(['ヤングケアラー']);
    expect(hints[0]!.reason).toContain('18歳未満の家族（16歳）');
  });

  it('ヤングケアラー is not raised when another adult without care needs lives there', () => {
    expect(patternsOf([member(16, '本人'), member(45, '親', { issues: ['病気・健康・障害'] }), member(47, '親')])).toEqual([]);
    // …unless the young carer issue itself was recorded.
    expect(patternsOf([member(16, '本人', { issues: ['ヤングケアラー'] }), member(45, '親', { issues: ['病気・健康・障害'] }), member(47, '親')])).toEqual([
      'ヤングケアラー',
    ]);
  });

  it('ヤングケアラー counts a grandparent of 75 or more as needing care', () => {
    expect(patternsOf([member(14, '孫'), member(79, '祖父母')])).toEqual(['ヤングケアラー']);
  });

  it('ignores members whose age is unknown and empty households', () => {
    expect(householdPatterns([], ON)).toEqual([]);
    expect(patternsOf([member(82, '本人'), { relationship: '子', livingTogether: true, birthDate: null, ageBand: null, gender: '男', issues: [] }])).toEqual([]);
  });
});
