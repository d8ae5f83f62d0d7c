import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PERSONAL_TABLES } from './tables.ts';

/**
 * The row filter is enforced, not remembered: outside src/access (and the
 * migrations and the demo generator, which build the data), no code selects
 * from or joins a personal-data table itself. It asks the scope
 * (`scope.persons()`, `scope.cases()` …, src/access/tables.ts) or the access
 * decision of the parent record (requireCase, requireMeeting …).
 */
const ROOT = join(import.meta.dirname, '..', '..');
const EXEMPT = [/^src\/access\//, /^src\/db\/migrations\//, /^src\/demo\//, /^src\/web\//, /\.test\.tsx?$/];

/**
 * Files that still read personal-data tables directly, with the number of
 * places. Each area removes its line when it moves onto the scope; the test
 * fails when a count grows, a new file appears, or a line is left behind.
 */
const NOT_YET_SCOPED: Record<string, number> = {
  'src/audit/service.ts': 1,

  'src/cases/assessments.ts': 10,
  'src/cases/plans.ts': 13,
  'src/cases/records.ts': 14,
  'src/cases/service.ts': 40,

  'src/consents/service.ts': 8,
  'src/consents/summary.ts': 2,

  'src/intake/service.ts': 8,

  'src/meetings/decisions.ts': 4,
  'src/meetings/service.ts': 43,

  'src/notifications/service.ts': 1,

  'src/people/households.ts': 11,
  'src/people/service.ts': 11,
  'src/people/timeline.ts': 7,

  'src/referrals/service.ts': 16,

  'src/retention/service.ts': 70,

  'src/routing/service.ts': 3,

  'src/tasks/service.ts': 33,
};

const tables = PERSONAL_TABLES.join('|');
const BUILDER = new RegExp(`\\b(?:selectFrom|innerJoin|leftJoin|rightJoin|fullJoin)\\(\\s*['"\`](?:${tables})(?:\\s+as\\s+\\w+)?['"\`]`, 'g');
const RAW = new RegExp(`\\b(?:from|join)\\s+(?:${tables})\\b(?!\\s*\\()`, 'gi');

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** The places in `source` that read a personal-data table directly. */
export function directSelects(source: string): string[] {
  const code = stripComments(source);
  return [...(code.match(BUILDER) ?? []), ...[...code.matchAll(RAW)].map((m) => m[0])];
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.tsx?$/.test(name)) out.push(relative(ROOT, path).split('\\').join('/'));
  }
  return out;
}

describe('personal-data tables are reached only through src/access', () => {
  it('recognises a direct select, a join and raw SQL', () => {
    expect(directSelects(`trx.selectFrom('persons as p').selectAll()`)).toHaveLength(1);
    expect(directSelects(`q.innerJoin('cases as k', 'k.id', 'x.case_id')`)).toHaveLength(1);
    expect(directSelects('sql`select 1 from support_records s where s.id = ${id}`')).toHaveLength(1);
    expect(directSelects(`scope.persons().select('p.name')`)).toHaveLength(0);
    expect(directSelects(`// a comment that selects from persons\nconst x = 1;`)).toHaveLength(0);
    expect(directSelects(`trx.selectFrom('agencies as a')`)).toHaveLength(0);
  });

  it('no service selects from a personal-data table directly', () => {
    const found: Record<string, number> = {};
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      if (EXEMPT.some((re) => re.test(file))) continue;
      const hits = directSelects(readFileSync(join(ROOT, file), 'utf8'));
      if (hits.length) found[file] = hits.length;
    }
    expect(found).toEqual(NOT_YET_SCOPED);
  });
});
