// The alerting rules every overlay renders pass what `promtool check rules` checks
// (prometheus-rules.ts), and docs/operations.md is their runbook: it lists the same alerts, and
// each alert's runbook_url lands on its own section there, which says what to look at and what
// to do.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { overlays, renderOverlay, repoRoot } from './manifests.js';
import {
  expressionProblems,
  headingsOf,
  resultLabels,
  ruleProblems,
  sectionOf,
  templateProblems,
  type Rule,
  type RuleGroup,
} from './prometheus-rules.js';

const RUNBOOK = 'docs/operations.md';
const RUNBOOK_URL = `https://github.com/switchyard/switchyard/blob/main/${RUNBOOK}`;
const markdown = readFileSync(path.join(repoRoot, RUNBOOK), 'utf8');
const headings = headingsOf(markdown);

const rulesOf = (overlay: string) =>
  renderOverlay(overlay)
    .filter((o) => o.kind === 'PrometheusRule')
    .map((o) => ({
      name: o.metadata.name,
      groups: (o.spec as unknown as { groups: RuleGroup[] }).groups,
    }));
const production = rulesOf('production');
const alerts: Rule[] = production.flatMap((r) =>
  r.groups.flatMap((g) => g.rules.filter((rule) => rule.alert)),
);
const alertNames = alerts.map((a) => a.alert!);

/** The alerts docs/operations.md lists: the headings under "## Alerts", and its table. */
const alertsSection = headings.find((h) => h.level === 2 && h.text === 'Alerts');
const documented = alertsSection
  ? headings.filter(
      (h) =>
        h.level === 3 &&
        h.line > alertsSection.line &&
        !headings.some((n) => n.level <= 2 && n.line > alertsSection.line && n.line < h.line),
    )
  : [];
const tabled = alertsSection
  ? [...sectionOf(markdown, alertsSection, headings).matchAll(/^\| \[(\w+)\]\(#([\w-]+)\)/gm)]
  : [];

describe('the alerting rules, checked as promtool checks them', () => {
  const everyOverlay = overlays.flatMap((overlay) =>
    rulesOf(overlay).map((r) => [`${overlay}: ${r.name}`, r.groups] as const),
  );

  it('has the production rules to check', () => {
    expect(alerts.length).toBeGreaterThan(10);
  });

  it.each(everyOverlay)('%s passes every check', (_name, groups) => {
    expect(ruleProblems(groups)).toEqual([]);
  });

  it('gives every alert a severity, a summary and a runbook', () => {
    const missing = alerts.filter(
      (a) =>
        !['critical', 'warning'].includes(a.labels?.severity ?? '') ||
        !a.annotations?.summary ||
        !a.annotations?.runbook_url,
    );
    expect(missing.map((a) => a.alert)).toEqual([]);
  });

  it('names each alert once', () => {
    expect(alertNames.filter((n, i) => alertNames.indexOf(n) !== i)).toEqual([]);
  });
});

describe('the checks catch what promtool would refuse', () => {
  const valid: RuleGroup = {
    name: 'g',
    rules: [
      {
        alert: 'Fine',
        expr: 'sum by (service) (rate(x_total[5m])) > 1',
        for: '5m',
        labels: { severity: 'warning' },
        annotations: { summary: '{{ $labels.service }} at {{ $value | humanize }}' },
      },
    ],
  };
  const broken = (change: Partial<Rule>): RuleGroup[] => [
    { ...valid, rules: [{ ...valid.rules[0]!, ...change }] },
  ];

  it('accepts a valid rule', () => {
    expect(ruleProblems([valid])).toEqual([]);
  });

  it.each([
    ['an unclosed parenthesis', 'sum by (service) (rate(x_total[5m]) > 1'],
    ['a misspelt function', 'sum by (service) (rat(x_total[5m])) > 1'],
    ['a bad range duration', 'sum by (service) (rate(x_total[5x])) > 1'],
    ['a dangling operator', 'sum by (service) (x) >'],
    ['an unclosed label matcher', 'x{service="a"'],
  ])('refuses a syntax error: %s', (_what, expr) => {
    expect(expressionProblems(expr).join('\n')).toMatch(/syntax error/);
    expect(ruleProblems(broken({ expr })).length).toBeGreaterThan(0);
  });

  it.each([
    ['rate of an instant vector', 'rate(x_total) > 1', /needs a range vector/],
    ['an aggregation of a range vector', 'sum(x_total[5m]) > 1', /instant vector is expected/],
    ['a scalar alert', '1 > bool 0', /must give an instant vector/],
  ])('refuses a type error: %s', (_what, expr, message) => {
    expect(ruleProblems(broken({ expr, annotations: {} })).join('\n')).toMatch(message);
  });

  it.each([
    ['a "for" that is no duration', { for: '5 minutes' }, /for "5 minutes" is not a duration/],
    ['units out of order', { for: '5m1h' }, /is not a duration/],
    ['a label name with a dash', { labels: { 'team-name': 'x' } }, /not a valid label name/],
    ['a reserved label name', { labels: { __name__: 'x' } }, /not a valid label name/],
    ['a template left open', { annotations: { summary: '{{ $labels.service }' } }, /unclosed/],
    [
      'a misspelt template variable',
      { annotations: { summary: '{{ $lables.service }}' } },
      /unknown "\$lables.service"/,
    ],
    [
      'an unknown template function',
      { annotations: { summary: '{{ $value | humanise }}' } },
      /unknown "humanise"/,
    ],
    [
      'a label the expression aggregates away',
      { annotations: { summary: '{{ $labels.pod }}' } },
      /uses \$labels.pod, which the expression drops/,
    ],
    ['no alert name', { alert: undefined }, /either an alert or a record/],
  ])('refuses %s', (_what, change, message) => {
    expect(ruleProblems(broken(change as Partial<Rule>)).join('\n')).toMatch(message);
  });

  it('refuses a group name used twice', () => {
    expect(ruleProblems([valid, valid]).join('\n')).toMatch(/defined twice/);
  });

  it('knows which labels an expression keeps', () => {
    expect(resultLabels('max by (namespace, pod) (a - b) > 0')).toEqual(
      new Set(['namespace', 'pod']),
    );
    expect(
      resultLabels('time() - max by (c) (label_replace(x, "cluster", "$1", "pod", "(.+)-1"))'),
    ).toEqual(new Set(['c']));
    expect(resultLabels('label_replace(max by (pod) (x), "cluster", "$1", "pod", "(.+)")')).toEqual(
      new Set(['pod', 'cluster']),
    );
    expect(resultLabels('absent(x{a="1", b=~"2"})')).toEqual(new Set(['a']));
    expect(resultLabels('increase(x[5m]) > 0')).toBeNull();
  });

  it('reads Prometheus template pipelines', () => {
    expect(templateProblems('{{ $value | humanizeDuration }} on {{ $labels.pod }}')).toEqual({
      problems: [],
      labels: ['pod'],
    });
    expect(templateProblems('{{ if gt $value 1.0 }}many{{ end }}').problems).toEqual([]);
    expect(templateProblems('{{ if $value }}open').problems.join()).toMatch(/without \{\{ end/);
  });
});

describe(`${RUNBOOK} is the alerts' runbook`, () => {
  it('has an "Alerts" section', () => {
    expect(alertsSection).toBeDefined();
  });

  it('lists exactly the alerts of the PrometheusRule, as headings and in its table', () => {
    const headed = documented.map((h) => h.text);
    expect({
      undocumented: alertNames.filter((a) => !headed.includes(a)),
      notARule: headed.filter((h) => !alertNames.includes(h)),
    }).toEqual({ undocumented: [], notARule: [] });
    expect(tabled.map((m) => m[1]).sort()).toEqual([...alertNames].sort());
  });

  it.each(alerts.map((a) => [a.alert!, a] as const))(
    "points %s's runbook_url at its own section",
    (name, alert) => {
      const url = new URL(alert.annotations!.runbook_url!);
      expect(`${url.origin}${url.pathname}`).toBe(RUNBOOK_URL);
      const anchor = url.hash.slice(1);
      const heading = headings.find((h) => h.anchor === anchor);
      expect(heading?.text).toBe(name);
      expect(documented).toContainEqual(heading);
    },
  );

  it.each(documented.map((h) => [h.text, h] as const))(
    'says, for %s, what to look at and what to do',
    (_name, heading) => {
      const section = sectionOf(markdown, heading, headings);
      expect(section).toMatch(/\*\*Look at:\*\* \S/);
      expect(section).toMatch(/\*\*Do:\*\* \S/);
    },
  );

  it('links only to anchors that exist in it', () => {
    const anchors = new Set(headings.map((h) => h.anchor));
    const links = [...markdown.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((a) => !anchors.has(a))).toEqual([]);
  });

  it('computes anchors as GitHub does (code blocks are not headings; duplicates are numbered)', () => {
    const sample = [
      '## Outbox rows Kafka refuses (parked)',
      '```bash',
      '# not a heading',
      '```',
      '### `kubectl` and [links](x)',
      '## Outbox rows Kafka refuses (parked)',
    ].join('\n');
    expect(headingsOf(sample).map((h) => h.anchor)).toEqual([
      'outbox-rows-kafka-refuses-parked',
      'kubectl-and-links',
      'outbox-rows-kafka-refuses-parked-1',
    ]);
  });
});
