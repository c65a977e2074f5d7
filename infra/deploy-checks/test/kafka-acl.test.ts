// Kafka is not open to every pod (issue 23): in each overlay that runs Strimzi, clients log in
// with SCRAM-SHA-512 and the brokers enforce ACLs; each service's KafkaUser allows exactly what
// contracts' topic-access table says (so a new topic or consumer without its ACL fails here);
// no service may write a topic another owns; and every Deployment that talks to Kafka logs in
// as its own KafkaUser with the password from the Secret Strimzi makes for it.
import {
  allTopics,
  kafkaAclsOf,
  lagReaderAcls,
  producerOf,
  topicAccess,
  Topics,
  type KafkaAcl,
  type KafkaService,
  type Topic,
} from '@switchyard/contracts';
import { overlays, renderOverlay, type Container, type K8sObject } from './manifests.js';

interface StrimziAcl {
  resource: { type: string; name: string; patternType?: string };
  operations?: string[];
  operation?: string;
  host?: string;
  type?: string;
}
interface KafkaUserSpec {
  authentication?: { type: string };
  authorization?: { type: string; acls: StrimziAcl[] };
}

const services = Object.keys(topicAccess) as KafkaService[];
const LAG_READER = 'keda-lag-reader';

/** One line per (resource, pattern, operation), sorted: two ACL lists compare as sets. */
function lines(acls: KafkaAcl[]): string[] {
  return acls
    .flatMap((acl) =>
      acl.operations.map((op) => `${acl.resource} ${acl.pattern} ${acl.name} ${op}`),
    )
    .sort();
}

function strimziLines(acls: StrimziAcl[]): string[] {
  return acls
    .flatMap((acl) => {
      // Strimzi's defaults: literal pattern, allow, any host. A deny or a host would change the
      // meaning, so it is spelled out in the line and fails the comparison.
      const extra = `${acl.type && acl.type !== 'allow' ? ` ${acl.type}` : ''}${
        acl.host && acl.host !== '*' ? ` host=${acl.host}` : ''
      }`;
      return (acl.operations ?? (acl.operation ? [acl.operation] : [])).map(
        (op) =>
          `${acl.resource.type} ${acl.resource.patternType ?? 'literal'} ${acl.resource.name} ${op}${extra}`,
      );
    })
    .sort();
}

/** The variables a Deployment's main container gets: from env (value or source) and ConfigMaps. */
function variablesOf(objects: K8sObject[], container: Container): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const from of container.envFrom ?? []) {
    const map = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === from.configMapRef?.name,
    );
    for (const [name, value] of Object.entries(map?.data ?? {})) found.set(name, value);
  }
  for (const entry of container.env ?? []) found.set(entry.name, entry.valueFrom ?? entry.value);
  return found;
}

const strimziOverlays = overlays.filter((overlay) =>
  renderOverlay(overlay).some(
    (o) => o.kind === 'Kafka' && o.apiVersion.startsWith('kafka.strimzi.io'),
  ),
);

it('is checked on the production overlays', () => {
  expect(strimziOverlays).toContain('production');
});

describe.each(strimziOverlays)('Kafka access in overlay %s', (overlay) => {
  const objects = renderOverlay(overlay);
  const users = objects.filter((o) => o.kind === 'KafkaUser');
  const userNamed = (name: string) => users.find((u) => u.metadata.name === name);
  const aclsOf = (name: string) =>
    (userNamed(name)?.spec as KafkaUserSpec | undefined)?.authorization?.acls ?? [];
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const kafkaClients = deployments.filter((d) =>
    variablesOf(objects, d.spec!.template!.spec!.containers[0]!).has('KAFKA_BROKERS'),
  );

  it('has every client listener require a SCRAM-SHA-512 login, and the brokers enforce ACLs', () => {
    const kafka = objects.find((o) => o.kind === 'Kafka')!;
    const spec = kafka.spec as {
      kafka: {
        listeners: { name: string; authentication?: { type: string } }[];
        authorization?: { type: string };
      };
      entityOperator?: { userOperator?: unknown };
    };
    expect(spec.kafka.listeners.map((l) => [l.name, l.authentication?.type])).toEqual(
      spec.kafka.listeners.map((l) => [l.name, 'scram-sha-512']),
    );
    expect(spec.kafka.authorization?.type).toBe('simple');
    // The User Operator is what turns the KafkaUsers into logins, Secrets and ACLs.
    expect(spec.entityOperator?.userOperator).toBeDefined();
  });

  it('has one SCRAM KafkaUser per service and the autoscaler, and no other', () => {
    expect(users.map((u) => u.metadata.name).sort()).toEqual([...services, LAG_READER].sort());
    for (const user of users) {
      const spec = user.spec as KafkaUserSpec;
      expect([user.metadata.name, user.metadata.labels?.['strimzi.io/cluster']]).toEqual([
        user.metadata.name,
        'switchyard',
      ]);
      expect([user.metadata.name, spec.authentication?.type, spec.authorization?.type]).toEqual([
        user.metadata.name,
        'scram-sha-512',
        'simple',
      ]);
    }
  });

  it.each(services)("gives %s exactly the ACLs of contracts' topic-access table", (service) => {
    expect(strimziLines(aclsOf(service))).toEqual(lines(kafkaAclsOf(service)));
  });

  it('gives the autoscaler only Describe on the consumers’ groups and topics', () => {
    expect(strimziLines(aclsOf(LAG_READER))).toEqual(lines(lagReaderAcls()));
    expect(new Set(strimziLines(aclsOf(LAG_READER)).map((l) => l.split(' ').at(-1)))).toEqual(
      new Set(['Describe']),
    );
  });

  it('lets no service write a topic it does not own (notification cannot write payments)', () => {
    const writers = new Map<string, string[]>();
    for (const user of users) {
      for (const acl of aclsOf(user.metadata.name)) {
        const operations = acl.operations ?? [acl.operation];
        if (
          acl.resource.type !== 'topic' ||
          !operations.some((op) => op === 'Write' || op === 'All')
        )
          continue;
        // A prefix or wildcard could reach a topic nobody listed: only literal names are allowed.
        expect([
          user.metadata.name,
          acl.resource.name,
          acl.resource.patternType ?? 'literal',
        ]).toEqual([user.metadata.name, acl.resource.name, 'literal']);
        writers.set(acl.resource.name, [
          ...(writers.get(acl.resource.name) ?? []),
          user.metadata.name,
        ]);
      }
    }
    for (const topic of Object.values(Topics)) {
      expect([topic, writers.get(topic)]).toEqual([topic, [producerOf(topic)]]);
    }
    expect(writers.get(Topics.payments)).toEqual(['payment']);
    // notification only reads: what it may write is the dead-letter twins of what it reads.
    const notificationWrites = aclsOf('notification')
      .filter((acl) => (acl.operations ?? []).includes('Write'))
      .map((acl) => acl.resource.name);
    expect(notificationWrites.filter((name) => !name.endsWith('.dlt'))).toEqual([]);
  });

  it('has every topic it declares produced by one service, so none lacks its ACL', () => {
    const declared = objects
      .filter((o) => o.kind === 'KafkaTopic')
      .map((o) => (o.spec as { topicName: string }).topicName);
    expect(declared.sort()).toEqual([...allTopics].sort());
    for (const topic of declared.filter((t) => !t.endsWith('.dlt'))) {
      expect([topic, producerOf(topic as Topic)]).toEqual([topic, expect.any(String)]);
    }
  });

  it('has every Deployment that talks to Kafka log in as its own KafkaUser, password from its Secret', () => {
    expect(kafkaClients.map((d) => d.metadata.name).sort()).toEqual([...services].sort());
    for (const deployment of kafkaClients) {
      const name = deployment.metadata.name;
      const variables = variablesOf(objects, deployment.spec!.template!.spec!.containers[0]!);
      expect([
        name,
        variables.get('KAFKA_SASL_MECHANISM'),
        variables.get('KAFKA_SASL_USERNAME'),
      ]).toEqual([name, 'scram-sha-512', name]);
      expect(userNamed(name)).toBeDefined();
      // Strimzi's User Operator names the Secret after the KafkaUser; its key is `password`.
      expect([name, variables.get('KAFKA_SASL_PASSWORD')]).toEqual([
        name,
        { secretKeyRef: { name, key: 'password' } },
      ]);
    }
  });

  it('has no password written into a ConfigMap or a literal env value', () => {
    for (const deployment of deployments) {
      const container = deployment.spec!.template!.spec!.containers[0]!;
      const literal = (container.env ?? []).find(
        (e) => e.name === 'KAFKA_SASL_PASSWORD' && e.value !== undefined,
      );
      expect([deployment.metadata.name, literal]).toEqual([deployment.metadata.name, undefined]);
    }
    for (const map of objects.filter((o) => o.kind === 'ConfigMap')) {
      expect([map.metadata.name, map.data?.KAFKA_SASL_PASSWORD]).toEqual([
        map.metadata.name,
        undefined,
      ]);
    }
  });

  it("has KEDA's Kafka triggers log in as the autoscaler's KafkaUser", () => {
    const triggers = objects
      .filter((o) => o.kind === 'ScaledObject')
      .flatMap(
        (o) =>
          (
            o.spec as {
              triggers: {
                type: string;
                metadata: Record<string, string>;
                authenticationRef?: { name: string; kind?: string };
              }[];
            }
          ).triggers,
      )
      .filter((t) => t.type === 'kafka');
    expect(triggers.length).toBeGreaterThan(0);
    for (const trigger of triggers) {
      expect(trigger.metadata.sasl).toBe('scram_sha512');
      const auth = objects.find(
        (o) =>
          o.kind === 'TriggerAuthentication' && o.metadata.name === trigger.authenticationRef?.name,
      );
      const refs = (
        auth?.spec as { secretTargetRef: { parameter: string; name: string; key: string }[] }
      ).secretTargetRef;
      const ref = (parameter: string) => refs.find((r) => r.parameter === parameter);
      expect(ref('password')).toEqual({ parameter: 'password', name: LAG_READER, key: 'password' });
      const login = objects.find(
        (o) => o.kind === 'Secret' && o.metadata.name === ref('username')?.name,
      );
      expect((login?.stringData as Record<string, string>)[ref('username')!.key]).toBe(LAG_READER);
    }
  });
});
