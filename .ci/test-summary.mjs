// Adds up the vitest JSON each project's `test` target wrote (<project>/test-results/vitest.json)
// and prints "<passed> <failed>". A project with a test script but no results counts as one failure.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const workspaces = JSON.parse(execFileSync('npm', ['query', '.workspace'], { encoding: 'utf8' }));
let passed = 0;
let failed = 0;
for (const w of workspaces) {
  if (!w.scripts?.test) continue;
  const file = path.join(w.location, 'test-results', 'vitest.json');
  if (!existsSync(file)) {
    console.error(`${w.name}: no test results (${file})`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  // A file that failed to load has status "failed" and no assertions: count it as a failure too.
  const brokenFiles = (r.testResults ?? []).filter((s) => s.status === 'failed' && !(s.assertionResults ?? []).length).length;
  passed += r.numPassedTests;
  failed += r.numFailedTests + brokenFiles;
}
console.log(passed, failed);
