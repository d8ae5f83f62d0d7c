import { describe, expect, it } from 'vitest';
import { matchPersons, phoneDigits, similarity } from './matching.ts';

describe('phoneDigits', () => {
  it('keeps the digits of any spelling', () => {
    expect(phoneDigits('042-123-4567')).toBe('0421234567');
    expect(phoneDigits('０４２（１２３）４５６７')).toBe('0421234567');
    expect(phoneDigits('+81 42 123 4567')).toBe('81421234567');
    expect(phoneDigits(null)).toBe('');
    expect(phoneDigits(undefined)).toBe('');
  });
});

describe('similarity', () => {
  it('is 1 for equal strings and 0 when one is empty', () => {
    expect(similarity('たかはし', 'たかはし')).toBe(1);
    expect(similarity('', 'たかはし')).toBe(0);
    expect(similarity('たかはし', '')).toBe(0);
  });

  it('counts characters, not UTF-16 units (surrogate pairs)', () => {
    // 𠮷 is one character (two UTF-16 units): one substitution in three characters.
    expect(similarity('𠮷野家', '吉野家')).toBeCloseTo(2 / 3, 5);
    expect(similarity('𠮷野', '𠮷野')).toBe(1);
  });

  it('is symmetric and falls with the edit distance', () => {
    expect(similarity('たかはしよしこ', 'たかはしよしえ')).toBeCloseTo(6 / 7, 5);
    expect(similarity('たかはしよしえ', 'たかはしよしこ')).toBeCloseTo(6 / 7, 5);
    expect(similarity('あいう', 'かきく')).toBe(0);
  });
});

describe('matchPersons (名寄せ)', () => {
  it('finds 髙橋 ヨシコ for たかはし よしこ with the same birth date', () => {
    const m = matchPersons(
      { nameKana: 'たかはし よしこ', birthDate: '1944-05-03' },
      { name: '髙橋 ヨシコ', nameKana: 'タカハシ ヨシコ', birthDate: '1944-05-03' },
    );
    expect(m.score).toBeGreaterThanOrEqual(0.6);
    expect(m.reasons).toEqual(['氏名のよみが一致', '生年月日が一致']);
  });

  it('finds it by the given name and birth date when the record has no kana', () => {
    const m = matchPersons({ nameKana: 'たかはし よしこ', birthDate: '1944-05-03' }, { name: '髙橋 ヨシコ', birthDate: '1944-05-03' });
    expect(m.score).toBe(0.6);
    expect(m.reasons).toEqual(['名（よしこ）が一致', '生年月日が一致']);
  });

  it('treats variant kanji, kana, width and spaces as the same name', () => {
    for (const [a, b] of [
      ['髙橋 ヨシコ', '高橋　よしこ'],
      ['山﨑 花子', '山崎花子'],
      ['渡邊 一郎', '渡辺 一郎'],
      ['齋藤 ﾊﾅ', '斎藤 ハナ'],
      ['澤田 廣', '沢田 広'],
    ] as const) {
      const m = matchPersons({ name: a }, { name: b });
      expect(m.score, `${a} / ${b}`).toBe(0.45);
      expect(m.reasons).toEqual(['氏名が一致（異体字・かなの違いを同一視）']);
    }
    expect(matchPersons({ name: '高橋 よしこ' }, { name: '高橋 よしこ' }).reasons).toEqual(['氏名が一致']);
  });

  it('matches a name typed in kana against the reading of the record', () => {
    const m = matchPersons({ name: 'たかはし よしこ' }, { name: '髙橋 ヨシコ', nameKana: 'タカハシ ヨシコ' });
    expect(m.reasons).toContain('氏名のよみが一致');
  });

  it('adds phone and address, and caps the score at 1', () => {
    const m = matchPersons(
      { name: '髙橋 ヨシコ', birthDate: '1944-05-03', phone: '042-000-0001', address: '小金井市本町一丁目1番' },
      { name: '高橋 よしこ', birthDate: '1944-05-03', phone: '０４２０００００01', address: '小金井市本町一丁目1番地' },
    );
    expect(m.reasons).toEqual(['氏名が一致（異体字・かなの違いを同一視）', '生年月日が一致', '電話番号が一致', '住所が一致または類似']);
    expect(m.score).toBe(1);
  });

  it('ignores short phone numbers and different addresses', () => {
    const m = matchPersons({ phone: '12345', address: '小金井市本町' }, { phone: '12345', address: '国分寺市戸倉' });
    expect(m).toEqual({ score: 0, reasons: [] });
  });

  it('scores a near spelling lower than an exact one', () => {
    const near = matchPersons({ nameKana: 'たかはし よしえ' }, { nameKana: 'タカハシ ヨシコ' });
    expect(near.reasons).toEqual(['氏名が似ている（86%）']);
    expect(near.score).toBeCloseTo(0.26, 2);
    expect(near.score).toBeLessThan(0.45);
  });

  it('finds nothing between unrelated people', () => {
    const m = matchPersons(
      { name: '鈴木 一郎', nameKana: 'すずき いちろう', birthDate: '1950-01-01', phone: '042-111-2222' },
      { name: '髙橋 ヨシコ', nameKana: 'タカハシ ヨシコ', birthDate: '1944-05-03', phone: '042-000-0001' },
    );
    expect(m).toEqual({ score: 0, reasons: [] });
  });

  it('does not count an empty birth date or name as a match', () => {
    expect(matchPersons({ birthDate: null, name: '' }, { birthDate: null, name: '' })).toEqual({ score: 0, reasons: [] });
  });
});
