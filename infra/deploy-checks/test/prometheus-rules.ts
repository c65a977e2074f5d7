// What `promtool check rules` checks, for the PrometheusRules the overlays render, without a
// Prometheus binary: every expression parses with the Prometheus project's own PromQL grammar
// (@prometheus-io/lezer-promql, the one its web UI uses) and is typed as Prometheus types it
// (a range vector only where a function takes one; an alert is a vector, never a scalar); every
// rule is an alert or a recording rule with valid names, durations, labels and annotations; every
// annotation is a template Prometheus can run, and names only labels its expression keeps.
import { parser } from '@prometheus-io/lezer-promql';
import GithubSlugger from 'github-slugger';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export interface Rule {
  alert?: string;
  record?: string;
  expr: string | number;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface RuleGroup {
  name: string;
  interval?: string;
  limit?: number;
  rules: Rule[];
}

// Prometheus' model.ParseDuration: units largest first, each at most once ("0" alone is zero).
const DURATION = /^(?:0|(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?)$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function isDuration(value: string): boolean {
  return value !== '' && DURATION.test(value);
}

/** The argument (by position) of each function that takes a range vector. */
const RANGE_ARGUMENT: Record<string, number> = {
  rate: 0,
  irate: 0,
  increase: 0,
  delta: 0,
  idelta: 0,
  deriv: 0,
  changes: 0,
  resets: 0,
  predict_linear: 0,
  holt_winters: 0,
  double_exponential_smoothing: 0,
  avg_over_time: 0,
  min_over_time: 0,
  max_over_time: 0,
  sum_over_time: 0,
  count_over_time: 0,
  stddev_over_time: 0,
  stdvar_over_time: 0,
  last_over_time: 0,
  first_over_time: 0,
  present_over_time: 0,
  absent_over_time: 0,
  mad_over_time: 0,
  ts_of_max_over_time: 0,
  ts_of_min_over_time: 0,
  ts_of_last_over_time: 0,
  quantile_over_time: 1,
};
const SCALAR_FUNCTIONS = new Set(['time', 'scalar', 'pi']);

const children = (node: SyntaxNode): SyntaxNode[] => {
  const list: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) list.push(child);
  return list;
};
const functionName = (call: SyntaxNode, text: string) => {
  const id = call.getChild('FunctionIdentifier');
  return id ? text.slice(id.from, id.to) : '';
};
const argumentsOf = (call: SyntaxNode): SyntaxNode[] => {
  const body = call.getChild('FunctionCallBody');
  return body ? children(body).filter((c) => !c.type.isError) : [];
};

type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

function typeOf(node: SyntaxNode, text: string): ValueType {
  switch (node.name) {
    case 'PromQL':
    case 'ParenExpr':
      return node.firstChild ? typeOf(node.firstChild, text) : 'scalar';
    case 'NumberDurationLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'UnaryExpr':
      return node.lastChild ? typeOf(node.lastChild, text) : 'scalar';
    case 'BinaryExpr': {
      const left = node.firstChild;
      const right = node.lastChild;
      return left && right && typeOf(left, text) === 'scalar' && typeOf(right, text) === 'scalar'
        ? 'scalar'
        : 'vector';
    }
    case 'FunctionCall':
      return SCALAR_FUNCTIONS.has(functionName(node, text)) ? 'scalar' : 'vector';
    default:
      return 'vector';
  }
}

/** Syntax and type errors of one PromQL expression, each with where it is. */
export function expressionProblems(expr: string): string[] {
  const problems: string[] = [];
  if (expr.trim() === '') return ['the expression is empty'];
  const tree = parser.parse(expr);
  const at = (node: { from: number; to: number }) =>
    `at ${node.from + 1} ("${expr.slice(Math.max(0, node.from - 10), node.to + 10).trim()}")`;
  tree.iterate({
    enter(ref) {
      if (ref.type.isError) problems.push(`syntax error ${at(ref)}`);
    },
  });
  if (problems.length > 0) return problems;

  // Types: a range vector only where a function takes one, and every such function gets one.
  tree.iterate({
    enter(ref) {
      const node = ref.node;
      if (node.name === 'MatrixSelector') {
        const body = node.parent;
        const call = body?.name === 'FunctionCallBody' ? body.parent : null;
        const index = call ? argumentsOf(call).findIndex((a) => a.from === node.from) : -1;
        const wanted = call ? RANGE_ARGUMENT[functionName(call, expr)] : undefined;
        if (wanted === undefined || wanted !== index) {
          problems.push(`a range vector where an instant vector is expected ${at(node)}`);
        }
      }
      if (node.name === 'FunctionCall') {
        const name = functionName(node, expr);
        const wanted = RANGE_ARGUMENT[name];
        if (wanted !== undefined) {
          const argument = argumentsOf(node)[wanted];
          if (!argument || typeOf(argument, expr) !== 'matrix') {
            problems.push(`${name}() needs a range vector (e.g. x[5m]) ${at(node)}`);
          }
        }
      }
    },
  });
  return problems;
}

/**
 * The labels every series of the expression's result carries, where the expression says so
 * (an aggregation `by (...)`, label_replace, absent's equality matchers); null where it keeps
 * whatever labels its series have.
 */
export function resultLabels(expr: string): Set<string> | null {
  const tree = parser.parse(expr);
  const of = (node: SyntaxNode | null): Set<string> | null => {
    if (!node) return new Set();
    switch (node.name) {
      case 'PromQL':
      case 'ParenExpr':
        return of(node.firstChild);
      case 'NumberDurationLiteral':
      case 'StringLiteral':
        return new Set();
      case 'UnaryExpr':
        return of(node.lastChild);
      case 'AggregateExpr': {
        const op = node.getChild('AggregateOp');
        const opName = op ? expr.slice(op.from, op.to) : '';
        const body = node.getChild('FunctionCallBody');
        const inner = body ? children(body).filter((c) => !c.type.isError) : [];
        if (['topk', 'bottomk', 'limitk', 'limit_ratio'].includes(opName)) {
          return of(inner[inner.length - 1] ?? null);
        }
        const modifier = node.getChild('AggregateModifier');
        if (!modifier) return opName === 'count_values' ? null : new Set();
        if (modifier.getChild('Without')) return null;
        const names = modifier.getChild('GroupingLabels')?.getChildren('LabelName') ?? [];
        return new Set(names.map((n) => expr.slice(n.from, n.to)));
      }
      case 'BinaryExpr': {
        // left, operator, right; anything more is a modifier (on, ignoring, group_left, bool)
        // that changes the labels: left as unknown.
        const parts = children(node);
        if (parts.length !== 3) return null;
        const [left, operator, right] = parts as [SyntaxNode, SyntaxNode, SyntaxNode];
        if (expr.slice(operator.from, operator.to) === 'or') return null;
        if (typeOf(left, expr) === 'scalar') return of(right);
        return of(left);
      }
      case 'FunctionCall': {
        const name = functionName(node, expr);
        const args = argumentsOf(node);
        if (SCALAR_FUNCTIONS.has(name) || name === 'vector') return new Set();
        if (name === 'label_replace' || name === 'label_join') {
          const inner = of(args[0] ?? null);
          const target = args[1] ? JSON.parse(expr.slice(args[1].from, args[1].to)) : null;
          return inner && typeof target === 'string' ? new Set([...inner, target]) : null;
        }
        if (name === 'absent' || name === 'absent_over_time') {
          const selector =
            args[0]?.name === 'MatrixSelector' ? args[0].getChild('VectorSelector') : args[0];
          const matchers = selector?.getChild('LabelMatchers');
          const kept = new Set<string>();
          for (const m of matchers ? children(matchers) : []) {
            const op = m.getChild('MatchOp');
            const label = m.getChild('LabelName');
            if (op && label && expr.slice(op.from, op.to) === '=') {
              kept.add(expr.slice(label.from, label.to));
            }
          }
          return kept;
        }
        const first = args.find((a) => typeOf(a, expr) !== 'scalar');
        return first ? of(first) : new Set();
      }
      default:
        return null;
    }
  };
  return of(tree.topNode);
}

// The functions Prometheus gives its alert templates (template.go) and text/template's own.
const TEMPLATE_FUNCTIONS = new Set([
  'humanize',
  'humanize1024',
  'humanizeDuration',
  'humanizePercentage',
  'humanizeTimestamp',
  'toTime',
  'toDuration',
  'parseDuration',
  'title',
  'toUpper',
  'toLower',
  'stripPort',
  'stripDomain',
  'match',
  'reReplaceAll',
  'safeHtml',
  'externalURL',
  'pathPrefix',
  'graphLink',
  'tableLink',
  'query',
  'first',
  'label',
  'value',
  'strvalue',
  'sortByLabel',
  'args',
  'tmpl',
  'now',
  'printf',
  'print',
  'println',
  'len',
  'index',
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'html',
  'js',
  'urlquery',
]);
const TEMPLATE_VARIABLE =
  /^(\$labels\.[a-zA-Z_][a-zA-Z0-9_]*|\$value|\$externalLabels\.[a-zA-Z_][a-zA-Z0-9_]*|\$externalURL|\$labels|\$externalLabels|\.Labels\.[a-zA-Z_][a-zA-Z0-9_]*|\.Value|\.)$/;
const TEMPLATE_LITERAL = /^("(?:[^"\\]|\\.)*"|`[^`]*`|-?\d+(?:\.\d+)?|true|false|nil)$/;

/** Problems of one annotation or label value as a Go text/template that Prometheus runs. */
export function templateProblems(template: string): { problems: string[]; labels: string[] } {
  const problems: string[] = [];
  const labels: string[] = [];
  const blocks: string[] = [];
  let rest = template;
  for (;;) {
    const open = rest.indexOf('{{');
    const close = rest.indexOf('}}');
    if (open === -1) {
      if (close !== -1) problems.push(`"}}" without "{{" in ${JSON.stringify(template)}`);
      break;
    }
    if (close !== -1 && close < open) {
      problems.push(`"}}" without "{{" in ${JSON.stringify(template)}`);
      break;
    }
    const end = rest.indexOf('}}', open + 2);
    if (end === -1) {
      problems.push(`unclosed action "{{" in ${JSON.stringify(template)}`);
      break;
    }
    const action = rest
      .slice(open + 2, end)
      .replace(/^-\s/, '')
      .replace(/\s-$/, '')
      .trim();
    rest = rest.slice(end + 2);
    if (action.startsWith('/*')) continue;
    const [keyword] = action.split(/\s+/);
    if (keyword === 'end') {
      if (!blocks.pop()) problems.push(`{{ end }} without a block in ${JSON.stringify(template)}`);
      continue;
    }
    if (keyword === 'else') continue;
    let pipeline = action;
    if (keyword === 'if' || keyword === 'range' || keyword === 'with') {
      blocks.push(keyword);
      pipeline = action.slice(keyword.length).trim();
    }
    pipeline = pipeline.replace(/^\$[a-zA-Z_][a-zA-Z0-9_]*\s*:?=\s*/, '');
    for (const command of pipeline.split('|').map((c) => c.trim())) {
      const words = command.match(/"(?:[^"\\]|\\.)*"|`[^`]*`|\S+/g) ?? [];
      if (words.length === 0) {
        problems.push(`an empty command in {{ ${action} }}`);
        continue;
      }
      words.forEach((word, i) => {
        if (TEMPLATE_VARIABLE.test(word) || TEMPLATE_LITERAL.test(word)) {
          const label = /^\$labels\.(.+)$|^\.Labels\.(.+)$/.exec(word);
          if (label) labels.push((label[1] ?? label[2])!);
        } else if (!(i === 0 && TEMPLATE_FUNCTIONS.has(word))) {
          problems.push(`unknown "${word}" in {{ ${action} }}`);
        }
      });
    }
  }
  if (blocks.length > 0) {
    problems.push(`{{ ${blocks.join(', ')} }} without {{ end }} in ${JSON.stringify(template)}`);
  }
  return { problems, labels };
}

/** What `promtool check rules` would say about these rule groups (empty when all is well). */
export function ruleProblems(groups: RuleGroup[]): string[] {
  const problems: string[] = [];
  const groupNames = new Set<string>();
  for (const group of groups) {
    const where = `group ${JSON.stringify(group.name)}`;
    if (!group.name) problems.push('a group without a name');
    if (groupNames.has(group.name)) problems.push(`${where} is defined twice`);
    groupNames.add(group.name);
    if (group.interval !== undefined && !isDuration(group.interval)) {
      problems.push(`${where}: interval ${JSON.stringify(group.interval)} is not a duration`);
    }
    if (!Array.isArray(group.rules) || group.rules.length === 0) {
      problems.push(`${where} has no rules`);
      continue;
    }
    const seen = new Set<string>();
    group.rules.forEach((rule, index) => {
      const name = rule.alert ?? rule.record ?? `#${index + 1}`;
      const at = `${where}, rule ${name}`;
      if ((rule.alert === undefined) === (rule.record === undefined)) {
        problems.push(`${at}: a rule is either an alert or a record, and names one`);
      }
      if (rule.alert !== undefined && !LABEL_NAME.test(rule.alert)) {
        problems.push(`${at}: the alert name is not a valid label value for alertname`);
      }
      if (rule.record !== undefined && !METRIC_NAME.test(rule.record)) {
        problems.push(`${at}: ${JSON.stringify(rule.record)} is not a valid metric name`);
      }
      const key = `${rule.alert ?? rule.record}\u0000${String(rule.expr)}`;
      if (seen.has(key)) problems.push(`${at}: the same rule twice in one group`);
      seen.add(key);
      if (rule.record !== undefined && (rule.for !== undefined || rule.annotations)) {
        problems.push(`${at}: a recording rule takes no "for" or annotations`);
      }
      for (const field of ['for', 'keep_firing_for'] as const) {
        const value = rule[field];
        if (value !== undefined && (typeof value !== 'string' || !isDuration(value))) {
          problems.push(`${at}: ${field} ${JSON.stringify(value)} is not a duration`);
        }
      }

      const expr = String(rule.expr ?? '');
      const exprProblems = expressionProblems(expr);
      problems.push(...exprProblems.map((p) => `${at}: ${p}`));
      if (exprProblems.length === 0 && typeOf(parser.parse(expr).topNode, expr) !== 'vector') {
        problems.push(`${at}: the expression must give an instant vector, not a scalar or range`);
      }

      const kept = exprProblems.length === 0 ? resultLabels(expr) : null;
      const texts = [
        ...Object.entries(rule.labels ?? {}).map(([k, v]) => ['label', k, v] as const),
        ...Object.entries(rule.annotations ?? {}).map(([k, v]) => ['annotation', k, v] as const),
      ];
      for (const [kind, key, value] of texts) {
        if (!LABEL_NAME.test(key) || key.startsWith('__')) {
          problems.push(`${at}: ${JSON.stringify(key)} is not a valid ${kind} name`);
        }
        if (typeof value !== 'string') {
          problems.push(`${at}: ${kind} ${key} is not a string`);
          continue;
        }
        const template = templateProblems(value);
        problems.push(...template.problems.map((p) => `${at}: ${kind} ${key}: ${p}`));
        for (const label of template.labels) {
          if (kept && !kept.has(label)) {
            problems.push(
              `${at}: ${kind} ${key} uses $labels.${label}, which the expression drops ` +
                `(it keeps ${[...kept].join(', ') || 'no labels'})`,
            );
          }
        }
      }
    });
  }
  return problems;
}

export interface Heading {
  level: number;
  text: string;
  anchor: string;
  line: number;
}

/** A Markdown file's headings (outside fenced code) with the anchors GitHub gives them. */
export function headingsOf(markdown: string): Heading[] {
  const slugger = new GithubSlugger();
  const headings: Heading[] = [];
  let fence: string | null = null;
  markdown.split('\n').forEach((line, index) => {
    const fenceMark = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMark) {
      if (fence === null) fence = fenceMark[1]![0]!;
      else if (fenceMark[1]![0] === fence) fence = null;
      return;
    }
    if (fence !== null) return;
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) return;
    const text = heading[2]!;
    // GitHub slugs the rendered text: inline code and links count by their text only.
    const plain = text.replace(/`([^`]*)`/g, '$1').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    headings.push({
      level: heading[1]!.length,
      text: plain,
      anchor: slugger.slug(plain),
      line: index + 1,
    });
  });
  return headings;
}

/** The lines under a heading, up to the next heading of the same or a higher level. */
export function sectionOf(markdown: string, heading: Heading, headings: Heading[]): string {
  const next = headings.find((h) => h.line > heading.line && h.level <= heading.level);
  const lines = markdown.split('\n');
  return lines.slice(heading.line, next ? next.line - 1 : lines.length).join('\n');
}
