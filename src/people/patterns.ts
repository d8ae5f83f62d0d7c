import { ageOn } from '../shared/date-input.ts';

/**
 * Pattern hints for a household (8050, ダブルケア, ヤングケアラー, 老老介護),
 * computed from members' ages, relationships and the issues recorded in
 * their consultations. Each hint says why it was raised.
 */
export interface MemberFacts {
  relationship: string;
  livingTogether: boolean;
  birthDate: string | null;
  ageBand: string | null;
  gender: string;
  issues: string[];
}

export interface PatternHint {
  pattern: '8050' | 'ダブルケア' | 'ヤングケアラー' | '老老介護';
  reason: string;
}

export function memberAge(m: Pick<MemberFacts, 'birthDate' | 'ageBand'>, on = new Date()): number | null {
  if (m.birthDate) return ageOn(m.birthDate, on);
  // The open-ended bands first: '10代未満' would otherwise read as 10代.
  if (m.ageBand === '10代未満') return 5;
  if (m.ageBand === '90代以上') return 92;
  const band = /^(\d+)代/.exec(m.ageBand ?? '');
  if (band) return Number(band[1]) + 5;
  return null;
}

const describe = (age: number) => `${Math.floor(age / 10) * 10}代`;
const CARE_ISSUES = ['介護', '病気・健康・障害'];

export function householdPatterns(members: readonly MemberFacts[], on = new Date()): PatternHint[] {
  const together = members
    .filter((m) => m.livingTogether)
    .map((m) => ({ ...m, age: memberAge(m, on) }))
    .filter((m): m is typeof m & { age: number } => m.age !== null);
  const allIssues = new Set(members.flatMap((m) => m.issues));
  const hints: PatternHint[] = [];

  const elder = together.filter((m) => m.age >= 75).sort((a, b) => b.age - a.age)[0];
  const middle = together.filter((m) => m.age >= 45 && m.age <= 64).sort((a, b) => b.age - a.age)[0];
  if (elder && middle && (allIssues.has('8050') || elder.age - middle.age >= 20)) {
    const withdrawal = allIssues.has('ひきこもり・不登校') ? '（ひきこもりの相談あり）' : '';
    hints.push({
      pattern: '8050',
      reason: `${describe(elder.age)}（${elder.age}歳・${elder.relationship}）と${describe(middle.age)}（${middle.age}歳・${middle.relationship}）が同居${withdrawal}`,
    });
  }

  const child = together.filter((m) => m.age < 15);
  const senior = together.filter((m) => m.age >= 65);
  const carer = together.filter((m) => m.age >= 20 && m.age <= 64);
  if (child.length && senior.length && carer.length && (allIssues.has('介護') || allIssues.has('子育て') || allIssues.has('ダブルケア'))) {
    hints.push({
      pattern: 'ダブルケア',
      reason: `15歳未満の子（${child.length}人）と65歳以上の家族（${senior.length}人）が同居し、介護・子育ての相談がある`,
    });
  }

  const minors = together.filter((m) => m.age < 18);
  const needsCare = together.filter((m) => m.age >= 18 && (m.issues.some((i) => CARE_ISSUES.includes(i)) || m.age >= 75));
  const adultsWithoutCare = together.filter((m) => m.age >= 18 && m.age < 75 && !m.issues.some((i) => CARE_ISSUES.includes(i)));
  if (minors.length && needsCare.length && (allIssues.has('ヤングケアラー') || adultsWithoutCare.length === 0)) {
    hints.push({
      pattern: 'ヤングケアラー',
      reason: `18歳未満の家族（${minors.map((m) => `${m.age}歳`).join('・')}）と、介護・病気等のある家族が同居し、ほかに担い手となる大人が見当たらない`,
    });
  }

  const olds = together.filter((m) => m.age >= 65);
  if (olds.length >= 2 && together.every((m) => m.age >= 65) && (allIssues.has('介護') || olds.some((m) => m.age >= 75))) {
    hints.push({
      pattern: '老老介護',
      reason: `同居する世帯員が全員65歳以上（${olds.map((m) => `${m.age}歳`).join('・')}）${allIssues.has('介護') ? 'で、介護の相談がある' : ''}`,
    });
  }
  return hints;
}
