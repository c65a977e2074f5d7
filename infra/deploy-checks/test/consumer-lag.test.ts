// Consumer lag can only alert if the exporter reads the groups our services really use and the
// alert selects them: in production, Strimzi's Kafka Exporter (kafka.yaml, kafkaExporter) must
// read each consuming service's group, <KAFKA_NAMESPACE><service> (packages/messaging,
// createMessaging), on the topics it consumes, Prometheus must scrape it, and the lag alerts'
// consumergroup matchers must match those groups — and KEDA's lag triggers must name them too.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { topicAccess, Topics, type KafkaService } from '@switchyard/contracts';
import { renderOverlay, repoRoot, type K8sObject } from './manifests.js';
import type { RuleGroup } from './prometheus-rules.js';

const objects = renderOverlay('production');

/**
 * The services whose createServiceApp({ service, ... }) call (service-kit wiring, which calls
 * createMessaging) returns a consume section, and what it consumes.
 */
function consumingServices(): { service: string; topics: string[] }[] {
  const found: { service: string; topics: string[] }[] = [];
  for (const dir of readdirSync(path.join(repoRoot, 'services'))) {
    const file = path.join(repoRoot, 'services', dir, 'src/app.ts');
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const match of source.matchAll(/create(?:Messaging|ServiceApp)\(\{/g)) {
      // The call's object literal, up to its matching brace.
      let depth = 0;
      let end = match.index + match[0].length - 1;
      for (; end < source.length; end++) {
        if (source[end] === '{') depth++;
        if (source[end] === '}' && --depth === 0) break;
      }
      const call = source.slice(match.index, end);
      const service = /service:\s*'([^']+)'/.exec(call)?.[1];
      const consume = /consume:\s*\{\s*topics:\s*\[([^\]]*)\]/.exec(source.slice(match.index));
      if (!service || !consume) continue;
      // Topics named one by one, or the service's line of the topic-access table.
      const topics = [
        ...[...consume[1]!.matchAll(/Topics\.(\w+)/g)].map(
          (m) => (Topics as Record<string, string>)[m[1]!]!,
        ),
        ...[...consume[1]!.matchAll(/topicAccess\.(\w+)\.consumes/g)].flatMap(
          (m) => topicAccess[m[1] as KafkaService].consumes as readonly string[],
        ),
      ];
      found.push({ service, topics });
    }
  }
  return found;
}

/** KAFKA_NAMESPACE as a Deployment's main container gets it (env, then its ConfigMaps). */
function kafkaNamespaceOf(deploymentName: string): string {
  const deployment = objects.find(
    (o) => o.kind === 'Deployment' && o.metadata.name === deploymentName,
  );
  const container = deployment?.spec?.template?.spec?.containers[0];
  const direct = container?.env?.find((e) => e.name === 'KAFKA_NAMESPACE');
  if (direct) return direct.value ?? '';
  for (const source of container?.envFrom ?? []) {
    const map = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === source.configMapRef?.name,
    );
    if (map?.data?.KAFKA_NAMESPACE !== undefined) return map.data.KAFKA_NAMESPACE;
  }
  return '';
}

const consumers = consumingServices().map(({ service, topics }) => {
  const namespace = kafkaNamespaceOf(service);
  return { service, group: `${namespace}${service}`, topics: topics.map((t) => namespace + t) };
});

const kafka = objects.find((o) => o.kind === 'Kafka')!;
interface KafkaExporterSpec {
  groupRegex?: string;
  topicRegex?: string;
  groupExcludeRegex?: string;
  topicExcludeRegex?: string;
  showAllOffsets?: boolean;
}
const exporter = (kafka.spec as { kafkaExporter?: KafkaExporterSpec }).kafkaExporter;
// kafka_exporter matches Go regexps unanchored (regexp.MatchString); JS RegExp.test agrees.
const goMatches = (pattern: string | undefined, value: string) =>
  new RegExp(pattern ?? '.*').test(value);
// PromQL's =~ is anchored at both ends.
const promMatches = (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value);

const rules = objects
  .filter((o) => o.kind === 'PrometheusRule')
  .flatMap((o) => (o.spec as unknown as { groups: RuleGroup[] }).groups.flatMap((g) => g.rules));

/** Each kafka_consumergroup_lag selector in an expression, with its consumergroup matcher. */
function lagSelectors(expr: string): { op: string; value: string }[] {
  const selectors: { op: string; value: string }[] = [];
  parser.parse(expr).iterate({
    enter(ref) {
      if (ref.name !== 'VectorSelector') return;
      const node = ref.node;
      const name = node.getChild('Identifier');
      if (!name || expr.slice(name.from, name.to) !== 'kafka_consumergroup_lag') return;
      const matchers = node.getChild('LabelMatchers');
      let found = { op: '', value: '' };
      for (let m = matchers?.firstChild; m; m = m.nextSibling) {
        const label = m.getChild('LabelName');
        const op = m.getChild('MatchOp');
        const value = m.getChild('StringLiteral');
        if (label && op && value && expr.slice(label.from, label.to) === 'consumergroup') {
          found = {
            op: expr.slice(op.from, op.to),
            value: JSON.parse(expr.slice(value.from, value.to)) as string,
          };
        }
      }
      selectors.push(found);
    },
  });
  return selectors;
}

describe('consumer lag in production', () => {
  it('finds the consuming services and their groups', () => {
    expect(consumers.map((c) => c.service).sort()).toEqual([
      'billing',
      'notification',
      'order',
      'payment',
    ]);
  });

  it("enables Strimzi's Kafka Exporter on the Kafka cluster", () => {
    expect(exporter).toBeDefined();
  });

  it.each(consumers.map((c) => [c.group, c] as const))(
    'has the exporter read group %s on every topic it consumes',
    (group, consumer) => {
      expect(goMatches(exporter?.groupRegex, group)).toBe(true);
      expect(
        exporter?.groupExcludeRegex && goMatches(exporter.groupExcludeRegex, group),
      ).toBeFalsy();
      for (const topic of consumer.topics) {
        expect([topic, goMatches(exporter?.topicRegex, topic)]).toEqual([topic, true]);
        expect(
          exporter?.topicExcludeRegex && goMatches(exporter.topicExcludeRegex, topic),
        ).toBeFalsy();
      }
    },
  );

  it('reports the lag of a group with no live member (its backlog must alert)', () => {
    expect(exporter?.showAllOffsets).not.toBe(false);
  });

  it("leaves out the dead-letter readers' throw-away groups (the CLI's and the services')", () => {
    expect(goMatches(exporter?.groupRegex, 'dead-letter-reader-0b6f4a2e')).toBe(false);
    expect(goMatches(exporter?.groupRegex, 'order.dead-letter-reader.0b6f4a2e')).toBe(false);
  });

  it('scrapes the exporter (a PodMonitor on its tcp-prometheus port)', () => {
    const monitors = objects.filter((o) => o.kind === 'PodMonitor') as (K8sObject & {
      spec: {
        selector: { matchLabels?: Record<string, string> };
        podMetricsEndpoints: { port?: string }[];
      };
    })[];
    const labels = {
      'strimzi.io/cluster': kafka.metadata.name,
      'strimzi.io/kind': 'Kafka',
      'strimzi.io/name': `${kafka.metadata.name}-kafka-exporter`,
      'strimzi.io/component-type': 'kafka-exporter',
    };
    const scraping = monitors.filter(
      (m) =>
        Object.entries(m.spec.selector.matchLabels ?? {}).every(
          ([k, v]) => labels[k as keyof typeof labels] === v,
        ) && m.spec.podMetricsEndpoints.some((e) => e.port === 'tcp-prometheus'),
    );
    expect(scraping.map((m) => m.metadata.name)).toEqual(['kafka-exporter']);
  });

  const lagRules = rules.filter((r) => lagSelectors(String(r.expr)).length > 0);
  it('has the lag alerts', () => {
    expect(lagRules.map((r) => r.alert).sort()).toEqual(['ConsumerLagHigh', 'ConsumerLagUnknown']);
  });

  it.each(lagRules.map((r) => [r.alert!, String(r.expr)] as const))(
    '%s selects the groups the services use',
    (_alert, expr) => {
      for (const { op, value } of lagSelectors(expr)) {
        expect(op).toBe('=~');
        expect(consumers.filter((c) => !promMatches(value, c.group)).map((c) => c.group)).toEqual(
          [],
        );
      }
    },
  );

  it("has KEDA's lag triggers name the same groups and topics", () => {
    const triggers = objects
      .filter((o) => o.kind === 'ScaledObject')
      .flatMap((o) =>
        (
          o.spec as {
            scaleTargetRef: { name: string };
            triggers: { type: string; metadata: { consumerGroup?: string; topic?: string } }[];
          }
        ).triggers
          .filter((t) => t.type === 'kafka')
          .map((t) => ({
            target: (o.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name,
            ...t.metadata,
          })),
      );
    expect(triggers.length).toBeGreaterThan(0);
    for (const trigger of triggers) {
      const consumer = consumers.find((c) => c.service === trigger.target);
      expect([trigger.target, trigger.consumerGroup]).toEqual([trigger.target, consumer?.group]);
      expect(consumer?.topics).toContain(trigger.topic);
    }
  });
});
