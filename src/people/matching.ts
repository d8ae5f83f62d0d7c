import { normalizeForSearch } from '../shared/normalize.ts';

/**
 * 名寄せ: how likely two registrations are the same person, with the
 * reasons in words staff understand. Names are compared after folding
 * kana, width, spaces and variant kanji (normalizeForSearch).
 */
export interface MatchInput {
  name?: string | null | undefined;
  nameKana?: string | null | undefined;
  birthDate?: string | null | undefined;
  phone?: string | null | undefined;
  address?: string | null | undefined;
}

export interface MatchResult {
  score: number;
  reasons: string[];
}

export const phoneDigits = (phone: string | null | undefined) => (phone ?? '').normalize('NFKC').replace(/\D/g, '');

/** Given name: the part after the first space, normalised ('' when there is no space). */
function givenName(text: string | null | undefined): string {
  const parts = (text ?? '').normalize('NFKC').trim().split(/\s+/);
  return parts.length > 1 ? normalizeForSearch(parts.slice(1).join('')) : '';
}

function levenshtein(a: string, b: string): number {
  const aa = [...a];
  const bb = [...b];
  let prev = Array.from({ length: bb.length + 1 }, (_, i) => i);
  for (let i = 1; i <= aa.length; i++) {
    const cur = [i];
    for (let j = 1; j <= bb.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (aa[i - 1] === bb[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[bb.length]!;
}

export function similarity(a: string, b: string): number {
  if (!a || !b) return 0;
  const len = Math.max([...a].length, [...b].length);
  return 1 - levenshtein(a, b) / len;
}

export function matchPersons(input: MatchInput, candidate: MatchInput): MatchResult {
  const reasons: string[] = [];
  let score = 0;
  const n1 = normalizeForSearch(input.name ?? '');
  const k1 = normalizeForSearch(input.nameKana ?? '');
  const n2 = normalizeForSearch(candidate.name ?? '');
  const k2 = normalizeForSearch(candidate.nameKana ?? '');
  if (n1 && n1 === n2) {
    score += 0.45;
    reasons.push((input.name ?? '') !== (candidate.name ?? '') ? '氏名が一致（異体字・かなの違いを同一視）' : '氏名が一致');
  } else if ((k1 && (k1 === k2 || k1 === n2)) || (n1 && n1 === k2)) {
    score += 0.45;
    reasons.push('氏名のよみが一致');
  } else {
    const given1 = givenName(input.nameKana) || givenName(input.name);
    const given2 = [givenName(candidate.nameKana), givenName(candidate.name)].filter(Boolean);
    if (given1 && given2.includes(given1)) {
      score += 0.2;
      reasons.push(`名（${given1}）が一致`);
    }
    const sim = Math.max(similarity(n1, n2), similarity(k1, k2), similarity(k1, n2), similarity(n1, k2));
    if (sim >= 0.5) {
      score += 0.3 * sim;
      reasons.push(`氏名が似ている（${Math.round(sim * 100)}%）`);
    }
  }
  if (input.birthDate && input.birthDate === candidate.birthDate) {
    score += 0.4;
    reasons.push('生年月日が一致');
  }
  const p1 = phoneDigits(input.phone);
  if (p1.length >= 6 && p1 === phoneDigits(candidate.phone)) {
    score += 0.2;
    reasons.push('電話番号が一致');
  }
  const a1 = normalizeForSearch(input.address ?? '');
  const a2 = normalizeForSearch(candidate.address ?? '');
  if (a1 && a2 && similarity(a1, a2) >= 0.7) {
    score += 0.1;
    reasons.push('住所が一致または類似');
  }
  return { score: Math.min(1, Math.round(score * 100) / 100), reasons };
}
