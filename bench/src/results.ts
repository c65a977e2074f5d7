// Where a benchmark's figures go: JSON under bench/results/ for tools, and its own section of
// docs/benchmarks.md for people (between markers, so the hand-written reading around stays).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '@switchyard/testing';
import { describeMachine } from './machine.js';

export interface BenchmarkReport {
  /** Stable id: file name and docs marker (`read-path`). */
  id: string;
  title: string;
  command: string;
  /** Markdown: tables of figures. */
  figures: string;
  /** One line per target: the figure, the target, met or not. */
  verdicts: Verdict[];
  /** Everything measured, for bench/results/<id>.json. */
  data: unknown;
}

export interface Verdict {
  what: string;
  figure: string;
  target: string;
  met: boolean;
}

const resultsDir = () => path.join(repoRoot(), 'bench/results');
const docsFile = () => path.join(repoRoot(), 'docs/benchmarks.md');

function section(report: BenchmarkReport, when: string, short: boolean): string {
  const verdicts = report.verdicts
    .map((v) => `| ${v.what} | ${v.figure} | ${v.target} | ${v.met ? 'met' : '**not met**'} |`)
    .join('\n');
  return [
    `<!-- bench:${report.id}:start (written by \`${report.command}\`; edit outside the markers) -->`,
    `Run of ${when}${short ? ' (short run: fewer seconds, figures noisier)' : ''}: \`${report.command}\`, on ${describeMachine()}.`,
    '',
    report.figures.trim(),
    '',
    '| target | figure | bound | |',
    '| --- | ---: | ---: | --- |',
    verdicts,
    `<!-- bench:${report.id}:end -->`,
  ].join('\n');
}

/** Write the JSON and replace the benchmark's section of docs/benchmarks.md (or append it). */
export async function publish(report: BenchmarkReport, options: { short: boolean }): Promise<void> {
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  await mkdir(resultsDir(), { recursive: true });
  await writeFile(
    path.join(resultsDir(), `${report.id}.json`),
    JSON.stringify(
      { ...report, machine: describeMachine(), at: new Date().toISOString(), short: options.short },
      null,
      2,
    ) + '\n',
  );
  // A short run (CI) proves the benchmark runs; only a full run rewrites the published figures.
  if (options.short) return;
  const doc = await readFile(docsFile(), 'utf8');
  const block = section(report, when, options.short);
  const pattern = new RegExp(
    `<!-- bench:${report.id}:start[^\\n]*-->[\\s\\S]*?<!-- bench:${report.id}:end -->`,
  );
  const next = pattern.test(doc)
    ? doc.replace(pattern, () => block)
    : `${doc.trimEnd()}\n\n## ${report.title}\n\n${block}\n`;
  await writeFile(docsFile(), next);
}

/** Print a report to the terminal as it will read in the docs. */
export function print(report: BenchmarkReport): void {
  console.log(`\n## ${report.title}\n\n${report.figures.trim()}\n`);
  for (const v of report.verdicts)
    console.log(`${v.met ? 'met    ' : 'NOT MET'}  ${v.what}: ${v.figure} (target ${v.target})`);
}

/** A markdown table from a header and rows. */
export function table(header: string[], rows: (string | number)[][]): string {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [header, align, ...rows.map((r) => r.map(String))]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
}

export const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
