/**
 * Normalisation for Japanese search and matching (名寄せ).
 *
 * - NFKC: full-width ASCII and half-width katakana become their standard forms
 * - katakana → hiragana, so ミナミ and みなみ match
 * - lower case, spaces (including 全角スペース) and middle dots removed
 * - common variant kanji (異体字) folded to one form: 髙→高, 﨑→崎, 邊/邉→辺, 𠮷→吉 …
 * - variation selectors (葛󠄀 = 葛 + U+E0100) dropped
 */
const VARIANT_KANJI: Record<string, string> = {
  髙: '高',
  '𠮷': '吉',
  﨑: '崎',
  嵜: '崎',
  邊: '辺',
  邉: '辺',
  齋: '斎',
  齊: '斎',
  斉: '斎',
  澤: '沢',
  濱: '浜',
  廣: '広',
  國: '国',
  櫻: '桜',
  實: '実',
  眞: '真',
  德: '徳',
  惠: '恵',
  榮: '栄',
  學: '学',
  壽: '寿',
  藏: '蔵',
  龍: '竜',
  瀨: '瀬',
  條: '条',
  關: '関',
  嶋: '島',
  嶌: '島',
  桒: '桑',
  冨: '富',
  塚: '塚',
  曻: '昇',
  槇: '槙',
  莊: '荘',
  萬: '万',
  與: '与',
  驒: '騨',
  﨔: '欅',
};

const VARIANT_RE = new RegExp(`[${Object.keys(VARIANT_KANJI).join('')}]`, 'gu');

export function toHiragana(text: string): string {
  return text.replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60));
}

/** Variation selectors (IVS such as 葛󠄀, and SVS): the base character alone is what people type. */
const VARIATION_SELECTORS = /[\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}]/gu;

export function normalizeForSearch(text: string): string {
  return toHiragana(text.normalize('NFKC'))
    .replace(VARIATION_SELECTORS, '')
    .toLowerCase()
    .replace(VARIANT_RE, (ch) => VARIANT_KANJI[ch] ?? ch)
    .replace(/[\s\u3000・･\-‐－]/g, '');
}

/** Escape a string for use inside a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
