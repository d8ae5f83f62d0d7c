import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTION_LABELS, reasonLabel } from './audit-labels.ts';

/**
 * The auditor reads the log in Japanese: every action code the server
 * records (scope.audit('…') and requireCase(…, '…')) and every fixed reason
 * code it writes must have its words. Scans the server sources, so a new
 * action without a label fails here.
 */
const SRC = resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'web' ? [] : sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

const text = sources(SRC)
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

describe('audit words', () => {
  it('every recorded action code has a Japanese label', () => {
    const codes = new Set<string>();
    for (const m of text.matchAll(/audit\(\s*'([a-z_]+(?:\.[a-z_]+)+)'/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/require(?:Case|Meeting)\([^)]*?'((?:case|meeting)\.[a-z_.]+)'\)/g)) codes.add(m[1]!);
    expect(codes.size).toBeGreaterThan(60);
    const missing = [...codes].filter((c) => !AUDIT_ACTION_LABELS[c]).sort();
    expect(missing).toEqual([]);
  });

  it('every fixed reason code is said in Japanese', () => {
    const reasons = new Set<string>();
    for (const m of text.matchAll(/reason: '([a-zA-Z][a-zA-Z _,:()-]+)'/g)) reasons.add(m[1]!);
    for (const m of text.matchAll(/deny\(\s*'([^']+)'/g)) reasons.add(m[1]!);
    const untranslated = [...reasons].filter((r) => reasonLabel(r) === r).sort();
    expect(untranslated).toEqual([]);
    expect(reasonLabel('team role informing may not edit')).toBe('チームでの役割（情報提供）では編集できない');
  });
});
