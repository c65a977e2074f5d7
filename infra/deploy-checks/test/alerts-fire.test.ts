// Every production alert fires on the series its exporter publishes, and stays quiet on the
// ones it must ignore: alerts.promtool.yaml holds a `promtool test rules` case for each. Every
// alert must have a case in it that fires (checked always); the cases are run by Prometheus'
// own engine when promtool is on this machine (PATH, or PROMTOOL=/path/to/promtool).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { renderOverlay } from './manifests.js';
import type { RuleGroup } from './prometheus-rules.js';

const cases = path.join(path.dirname(fileURLToPath(import.meta.url)), 'alerts.promtool.yaml');
const groups = renderOverlay('production')
  .filter((o) => o.kind === 'PrometheusRule')
  .flatMap((o) => (o.spec as unknown as { groups: RuleGroup[] }).groups);
const alertNames = groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));

interface PromtoolTests {
  tests: {
    alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[];
  }[];
}

function findPromtool(): string | null {
  const candidates = process.env.PROMTOOL ? [process.env.PROMTOOL] : ['promtool'];
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not there
    }
  }
  return null;
}
const promtool = findPromtool();

describe('the production alerts fire', () => {
  const tests = (parse(readFileSync(cases, 'utf8')) as PromtoolTests).tests;
  const firing = new Set(
    tests.flatMap((t) =>
      (t.alert_rule_test ?? [])
        .filter((a) => (a.exp_alerts ?? []).length > 0)
        .map((a) => a.alertname),
    ),
  );

  it('has a promtool case in which each alert fires', () => {
    expect(alertNames.filter((name) => !firing.has(name))).toEqual([]);
  });

  it('has no case for an alert that does not exist', () => {
    const named = tests.flatMap((t) => (t.alert_rule_test ?? []).map((a) => a.alertname));
    expect(named.filter((name) => !alertNames.includes(name))).toEqual([]);
  });

  // Annotations are left out of the rules given to promtool: it would compare their rendered
  // text too; prometheus-rules.test.ts checks the templates.
  (promtool ? it : it.skip)(
    `passes every case under promtool test rules (${promtool ?? 'promtool not found'})`,
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-alerts-'));
      try {
        const bare = groups.map((g) => ({
          ...g,
          rules: g.rules.map(({ annotations: _annotations, ...rule }) => rule),
        }));
        writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups: bare }));
        copyFileSync(cases, path.join(dir, 'alerts.promtool.yaml'));
        let output = '';
        try {
          output = execFileSync(promtool!, ['test', 'rules', 'alerts.promtool.yaml'], {
            cwd: dir,
            encoding: 'utf8',
            stdio: 'pipe',
          });
        } catch (error) {
          const failed = error as { stdout?: string; stderr?: string };
          throw new Error(`promtool test rules failed:\n${failed.stdout}${failed.stderr}`);
        }
        expect(output).toMatch(/SUCCESS/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
