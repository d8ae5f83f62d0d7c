/**
 * Characters that text sent to kasane may not hold: control characters
 * (PostgreSQL text cannot store NUL; the others are invisible and break
 * displays and exports) and malformed UTF-16 (a lone or reversed surrogate,
 * which is not a character at all and cannot be stored as UTF-8 faithfully).
 * Tab, line feed and carriage return are ordinary text.
 */
export type TextProblem = 'control' | 'unicode';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** A high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function textProblem(text: string): TextProblem | null {
  if (CONTROL.test(text)) return 'control';
  if (LONE_SURROGATE.test(text)) return 'unicode';
  return null;
}

/** Japanese wording of a problem, for a field message. */
export const TEXT_PROBLEM_MESSAGES: Record<TextProblem, string> = {
  control: '使用できない文字（制御文字）が含まれています',
  unicode: '読み取れない文字（壊れた文字コード）が含まれています',
};

export interface TextProblemAt {
  /** Keys from the top down to the string (or key) at fault; empty for a top-level string. */
  path: string[];
  problem: TextProblem;
}

/**
 * The first string or object key in a parsed value (body, query, params)
 * that holds a forbidden character. Walks without recursion, so the depth
 * of the value does not matter.
 */
export function findTextProblem(value: unknown): TextProblemAt | null {
  interface Node {
    value: unknown;
    key: string | null;
    parent: Node | null;
  }
  const pathOf = (node: Node): string[] => {
    const path: string[] = [];
    for (let n: Node | null = node; n && n.key !== null; n = n.parent) path.push(n.key);
    return path.reverse();
  };
  const stack: Node[] = [{ value, key: null, parent: null }];
  while (stack.length) {
    const node = stack.pop()!;
    const problem = (node.key === null ? null : textProblem(node.key)) ?? (typeof node.value === 'string' ? textProblem(node.value) : null);
    if (problem) return { path: pathOf(node), problem };
    const current = node.value;
    if (current === null || typeof current !== 'object' || ArrayBuffer.isView(current)) continue;
    // Pushed in reverse so that the first key is looked at first.
    const entries = Object.entries(current);
    for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], key: entries[i]![0], parent: node });
  }
  return null;
}
