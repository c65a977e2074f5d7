// Add up the per-package jest results written by jest-results-reporter into one closing line.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
if (files.length === 0) {
  console.error('no test results were recorded: did the test runs start?');
  process.exit(1);
}
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
const durations = [];
const packages = [];
for (const file of files) {
  const result = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  passed += result.passed;
  failed += result.failed;
  skipped += result.skipped;
  if (result.startedAt)
    packages.push({ name: result.package, startedAt: result.startedAt, endedAt: result.endedAt });
  for (const d of result.durations ?? [])
    durations.push({ file: path.join(result.package, d.file), seconds: d.seconds });
  if (result.failed || result.suiteErrors || result.failedSuites)
    failures.push(
      `${result.package}: ${result.failed} failed, ${result.failedSuites ?? 0} suite(s) failed, ${result.suiteErrors} suite error(s)`,
      ...(result.failures ?? []).map((f) => `    ${f.file} › ${f.test}: ${f.error}`),
    );
}
// The slowest files first: where to look when the suite grows past CI's budget.
durations.sort((a, b) => b.seconds - a.seconds);
const total = durations.reduce((sum, d) => sum + d.seconds, 0);
console.log(`Slowest test files (of ${Math.round(total)} s in ${durations.length} files):`);
for (const d of durations.slice(0, 12))
  console.log(`  ${d.seconds.toFixed(0).padStart(5)} s  ${d.file}`);
// Each package's run, in the order they started: the lanes of the run, and its tail.
packages.sort((a, b) => a.startedAt - b.startedAt);
const firstStart = packages[0]?.startedAt ?? 0;
console.log('Packages (started at, took; seconds from the first start):');
for (const p of packages)
  console.log(
    `  +${String(Math.round((p.startedAt - firstStart) / 1000)).padStart(5)} s  ${String(Math.round((p.endedAt - p.startedAt) / 1000)).padStart(5)} s  ${p.name}`,
  );
for (const line of failures) console.log(`  ✗ ${line}`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || failures.length > 0) process.exit(1);
