// After a failed test run: what the platforms' own processes said went wrong. Reads the logs
// kept under TEST_PROCESS_LOG_DIR (one file per started process) and prints their errors and
// their slow answers, so a CI log that shows only a test's failure also shows its cause.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
const SLOW_MS = 3_000;
const PER_FILE = 8;
const IN_ALL = 80;

let files = [];
try {
  files = readdirSync(dir).filter((f) => f.endsWith('.log'));
} catch {
  process.exit(0);
}
let printed = 0;
for (const file of files.sort()) {
  const notable = [];
  for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.level >= 50 || entry.responseTime >= SLOW_MS) notable.push(line.slice(0, 600));
  }
  if (notable.length === 0) continue;
  console.log(`--- ${file}: ${notable.length} error or slow line(s)`);
  for (const line of notable.slice(0, PER_FILE)) console.log(`  ${line}`);
  printed += Math.min(notable.length, PER_FILE);
  if (printed >= IN_ALL) break;
}
