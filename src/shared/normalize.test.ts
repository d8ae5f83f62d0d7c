import { describe, expect, it } from 'vitest';
import { escapeLike, normalizeForSearch, toHiragana } from './normalize.ts';

describe('normalizeForSearch', () => {
  it.each([
    ['髙橋', '高橋'],
    ['山﨑', '山崎'],
    ['渡邊', '渡辺'],
    ['渡邉', '渡辺'],
    ['齋藤', '斎藤'],
    ['齊藤', '斎藤'],
    ['濱田', '浜田'],
    ['ﾀｶﾊｼ', 'たかはし'],
    ['タカハシ', 'たかはし'],
    ['ｶﾞｯｺｳ', 'がっこう'],
    ['ミナミ', 'みなみ'],
    ['ﾐﾅﾐ', 'みなみ'],
    ['ＡＢＣ１２３', 'abc123'],
    ['Koganei', 'koganei'],
    ['小金井　みなみ', '小金井みなみ'],
    [' 山田 太郎 ', '山田太郎'],
    ['ひとり親・女性相談', 'ひとり親女性相談'],
    ['042-123-4567', '0421234567'],
    ['ヴァイオリン', 'ゔぁいおりん'],
  ])('%s → %s', (input, output) => {
    expect(normalizeForSearch(input)).toBe(output);
  });

  it('makes different spellings of one name equal', () => {
    const spellings = ['髙橋 ﾀﾛｳ', '高橋　タロウ', '高橋たろう'];
    expect(new Set(spellings.map(normalizeForSearch)).size).toBe(1);
  });

  it('folds 𠮷 (a surrogate pair) and drops variation selectors', () => {
    expect(normalizeForSearch('𠮷野 﨑子')).toBe('吉野崎子');
    // 葛󠄀 is 葛 followed by the ideographic variation selector U+E0100.
    expect(normalizeForSearch('葛\u{E0100}城 ミツ')).toBe('葛城みつ');
    expect(normalizeForSearch('辻\u{E0101}本')).toBe('辻本');
    expect(normalizeForSearch('神\uFE00')).toBe('神');
  });

  it('is idempotent', () => {
    for (const text of ['髙橋ﾀｶﾊｼ', '渡邊・ミナミ', 'ＡＢＣ　ｄｅｆ']) {
      expect(normalizeForSearch(normalizeForSearch(text))).toBe(normalizeForSearch(text));
    }
  });

  it('leaves the long vowel mark and kanji alone', () => {
    expect(normalizeForSearch('コーディネーター')).toBe('こーでぃねーたー');
    expect(normalizeForSearch('地域包括支援センター')).toBe('地域包括支援せんたー');
  });
});

describe('toHiragana', () => {
  it('turns katakana into hiragana and leaves the rest', () => {
    expect(toHiragana('カタカナとひらがなと漢字ABC')).toBe('かたかなとひらがなと漢字ABC');
    expect(toHiragana('ヶ')).toBe('ゖ');
    expect(toHiragana('ー')).toBe('ー');
  });
});

describe('escapeLike', () => {
  it('escapes LIKE wildcards and the escape character', () => {
    expect(escapeLike('100%_a\\b')).toBe('100\\%\\_a\\\\b');
    expect(escapeLike('ふつう')).toBe('ふつう');
  });
});
