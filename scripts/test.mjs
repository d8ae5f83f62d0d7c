#!/usr/bin/env node
// npm test: typecheck, lint, unit tests, API tests on PGlite and PostgreSQL, web build, browser journeys.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules/.bin', name);
const reports = join(root, '.tmp/test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const vitest = (project) => [bin('vitest'), ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, `${project}.json`)}`]];
const steps = [
  { name: 'typecheck', cmd: [bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']] },
  { name: 'lint', cmd: [bin('eslint'), ['.', '--max-warnings=0']] },
  { name: 'unit', cmd: vitest('unit'), report: 'unit' },
  { name: 'api (PGlite + PostgreSQL)', cmd: vitest('api'), report: 'api' },
  { name: 'web build', cmd: [process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn']] },
  { name: 'browser journeys (Chromium)', cmd: vitest('e2e'), report: 'e2e' },
];

const results = [];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const step of steps) {
  const started = Date.now();
  console.log(`\n▶ ${step.name}`);
  const r = spawnSync(step.cmd[0], step.cmd[1], { cwd: root, stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = r.status === 0;
  results.push({ name: step.name, ok, seconds });
  if (step.report) {
    const file = join(reports, `${step.report}.json`);
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8'));
      passed += json.numPassedTests ?? 0;
      // A failed file (a hook, an import) may fail no single test: the step still counts as a failure.
      failed += json.numFailedTests || (ok ? 0 : 1);
      skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    } else if (!ok) failed += 1;
  } else if (!ok) failed += 1;
}

console.log('\nkasane test summary');
for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(32)} ${r.seconds}s`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
