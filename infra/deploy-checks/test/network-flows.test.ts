// The production overlay's NetworkPolicies, judged by what they let through: every connection
// the platform needs must be allowed and every one it must not make denied, evaluated with
// Kubernetes' semantics (network-policy-model.ts) over the rendered policies plus the ones
// Strimzi writes, for the pods of the cluster (production-network.ts). And none of our policies
// is there for nothing: taking away any one of them breaks a needed connection.
import { renderOverlay, type K8sObject } from './manifests.js';
import {
  decide,
  type Connection,
  type Endpoint,
  type Network,
  type PolicyPeer,
  type Protocol,
} from './network-policy-model.js';
import { productionNetwork, strimziPolicies } from './production-network.js';

const SERVICES = ['auth', 'order', 'payment', 'notification', 'billing'] as const;
const PORT_OF = {
  auth: 4001,
  order: 4002,
  payment: 4003,
  notification: 4004,
  billing: 4005,
} as const;

const objects = renderOverlay('production');
const world = productionNetwork(objects);
const pod = (name: string) => {
  const found = world.pods.find((p) => p.name === name);
  if (!found) throw new Error(`no pod ${name} in the model`);
  return found;
};
const address = (key: string) => world.addresses[key]!;
const brokers = world.pods.filter((p) => p.labels['strimzi.io/name'] === 'switchyard-kafka');

interface Flow extends Connection {
  what: string;
}
const flow = (
  what: string,
  from: string,
  to: Endpoint | string,
  port: number,
  protocol: Protocol = 'TCP',
): Flow => ({
  what,
  from: pod(from),
  to: typeof to === 'string' ? pod(to) : to,
  port,
  protocol,
});

const dns = (from: string) => flow(`${from} → DNS`, from, 'kube-dns', 53, 'UDP');

const required: Flow[] = [
  // The edge and the architecture's own edges.
  flow('the Gateway’s proxy (Gateway API) → gateway', 'gateway-api-proxy', 'gateway', 8080),
  flow('Prometheus → gateway metrics', 'prometheus', 'gateway', 9464),
  ...SERVICES.flatMap((s) => [
    flow(`gateway → ${s}`, 'gateway', s, PORT_OF[s]),
    flow(`Prometheus → ${s} /metrics`, 'prometheus', s, PORT_OF[s]),
    flow(`${s} → its database (primary)`, s, `${s}-db-1`, 5432),
    flow(`${s} → its database (replica)`, s, `${s}-db-2`, 5432),
    ...brokers.map((b) => flow(`${s} → Kafka ${b.name}`, s, b.name, 9092)),
    flow(`${s} → managed Redis`, s, address('managed-redis'), 6379),
    flow(`${s} → OTel collector (traces)`, s, 'otel-collector', 4318),
    dns(s),
  ]),
  ...(['order', 'payment', 'notification', 'billing'] as const).map((s) =>
    flow(`${s} → auth (JWKS)`, s, 'auth', 4001),
  ),
  flow('gateway → managed Redis', 'gateway', address('managed-redis'), 6379),
  flow('gateway → OTel collector (traces)', 'gateway', 'otel-collector', 4318),
  dns('gateway'),
  flow('payment → the provider', 'payment', address('provider'), 443),
  flow('notification → the SMTP relay', 'notification', address('smtp-relay'), 587),
  flow(
    "notification → an integrator's webhook",
    'notification',
    address('integrator-webhook'),
    443,
  ),

  // CloudNativePG.
  ...SERVICES.flatMap((s) => [
    flow(`${s}-db replica → primary (streaming)`, `${s}-db-2`, `${s}-db-1`, 5432),
    flow(`${s}-db primary → replica (isolation check)`, `${s}-db-1`, `${s}-db-2`, 8000),
    flow(`${s}-db joining replica → primary (pg_basebackup)`, `${s}-db-3-join`, `${s}-db-1`, 5432),
    flow(`${s}-db primary → Kubernetes API`, `${s}-db-1`, address('kubernetes-api'), 443),
    flow(`${s}-db replica → Kubernetes API (6443)`, `${s}-db-2`, address('kubernetes-api'), 6443),
    flow(`${s}-db join job → Kubernetes API`, `${s}-db-3-join`, address('kubernetes-api'), 443),
    flow(`${s}-db primary → object storage (WAL)`, `${s}-db-1`, address('object-storage'), 443),
    // The Barman Cloud plugin's sidecar takes the base backup on a standby when one is ready.
    flow(
      `${s}-db replica → object storage (base backup)`,
      `${s}-db-2`,
      address('object-storage'),
      443,
    ),
    dns(`${s}-db-1`),
    flow(`CloudNativePG operator → ${s}-db status`, 'cnpg-operator', `${s}-db-2`, 8000),
    flow(`CloudNativePG operator → ${s}-db PostgreSQL`, 'cnpg-operator', `${s}-db-1`, 5432),
    flow(`Prometheus → ${s}-db metrics`, 'prometheus', `${s}-db-1`, 9187),
  ]),

  flow(
    'CloudNativePG operator → Barman Cloud plugin (gRPC)',
    'cnpg-operator',
    'barman-cloud-plugin',
    9090,
  ),

  // Strimzi.
  ...brokers.flatMap((b, i) => {
    const peer = brokers[(i + 1) % brokers.length]!.name;
    return [
      flow(`${b.name} → ${peer} (controller quorum, broker → controller)`, b.name, peer, 9090),
      flow(`${b.name} → ${peer} (replication)`, b.name, peer, 9091),
      dns(b.name),
      flow(`entity operator → ${b.name}`, 'switchyard-entity-operator', b.name, 9091),
      flow(`Strimzi operator → ${b.name} (replication)`, 'strimzi-cluster-operator', b.name, 9091),
      flow(`Strimzi operator → ${b.name} (agent)`, 'strimzi-cluster-operator', b.name, 8443),
      flow(`KEDA's Kafka scaler → ${b.name}`, 'keda-operator', b.name, 9092),
      flow(`Kafka Exporter → ${b.name} (offsets)`, 'switchyard-kafka-exporter', b.name, 9091),
    ];
  }),
  dns('switchyard-kafka-exporter'),
  flow(
    'Prometheus → Kafka Exporter (consumer lag)',
    'prometheus',
    'switchyard-kafka-exporter',
    9404,
  ),
  flow(
    'entity operator → Kubernetes API',
    'switchyard-entity-operator',
    address('kubernetes-api'),
    443,
  ),
  dns('switchyard-entity-operator'),
];

const otherServicesDatabases = SERVICES.flatMap((s) =>
  SERVICES.filter((other) => other !== s).map((other) =>
    flow(`${s} → ${other}'s database`, s, `${other}-db-1`, 5432),
  ),
);
const broker = brokers[0]!.name;
const forbidden: Flow[] = [
  ...otherServicesDatabases,
  ...SERVICES.map((s) => flow(`gateway → ${s}'s database`, 'gateway', `${s}-db-1`, 5432)),
  flow('order → payment (services talk through Kafka)', 'order', 'payment', 4003),
  flow('payment → notification', 'payment', 'notification', 4004),
  flow('notification → order', 'notification', 'order', 4002),
  flow('billing → payment (billing asks for charges through Kafka)', 'billing', 'payment', 4003),
  flow('order → billing', 'order', 'billing', 4005),
  flow('gateway → Kafka', 'gateway', broker, 9092),
  flow(
    'the Gateway’s proxy → a service (only our gateway is public)',
    'gateway-api-proxy',
    'order',
    4002,
  ),
  flow('the Gateway’s proxy → gateway metrics', 'gateway-api-proxy', 'gateway', 9464),
  flow('the Gateway’s proxy → a database', 'gateway-api-proxy', 'auth-db-1', 5432),
  flow(
    'an edge namespace nobody labelled (retired ingress-nginx) → gateway',
    'ingress-controller',
    'gateway',
    8080,
  ),
  flow('a pod of another namespace → gateway', 'stranger', 'gateway', 8080),
  flow('order → Kafka replication port', 'order', broker, 9091),
  flow('order → Kafka control plane', 'order', broker, 9090),
  flow('order → the Kubernetes API', 'order', address('kubernetes-api'), 443),
  flow('a pod no policy names → Kafka', 'debug-shell', broker, 9092),
  flow('a pod no policy names → Kafka replication', 'debug-shell', broker, 9091),
  flow('a pod no policy names → Kafka control plane', 'debug-shell', broker, 9090),
  flow('a pod no policy names → a database', 'debug-shell', 'order-db-1', 5432),
  flow('a pod no policy names → the internet', 'debug-shell', address('object-storage'), 443),
  flow('a pod no policy names → the Kubernetes API', 'debug-shell', address('kubernetes-api'), 443),
  flow('a pod of another namespace → Kafka', 'stranger', broker, 9092),
  flow('a pod of another namespace → a database', 'stranger', 'payment-db-1', 5432),
  flow('a pod of another namespace → order', 'stranger', 'order', 4002),
  flow("KEDA → Kafka's replication port", 'keda-operator', broker, 9091),
  flow("KEDA's metrics server → Kafka", 'keda-metrics-apiserver', broker, 9092),
  flow('order-db → payment-db (another cluster)', 'order-db-2', 'payment-db-1', 5432),
  flow('order-db → the order service', 'order-db-1', 'order', 4002),
  // The plugin's Deployment needs nothing of a database pod (its sidecar is inside the pod).
  flow('Barman Cloud plugin → a database', 'barman-cloud-plugin', 'order-db-1', 5432),
  flow('Barman Cloud plugin → a database status port', 'barman-cloud-plugin', 'order-db-2', 8000),
  flow('order-db → Kafka', 'order-db-1', broker, 9092),
  flow('a database → the internet, not HTTPS', 'order-db-1', address('object-storage'), 80),
  flow('a database → the cloud metadata service', 'order-db-1', address('metadata-service'), 80),
  flow('Prometheus → a database, not metrics', 'prometheus', 'order-db-1', 5432),
  flow('another monitoring pod → database metrics', 'grafana', 'order-db-1', 9187),
  flow('a pod of another namespace → database status', 'stranger', 'order-db-1', 8000),
  flow('Kafka → the Kubernetes API', broker, address('kubernetes-api'), 443),
  flow('Kafka → the internet', broker, address('object-storage'), 443),
  flow('Kafka → a database', broker, 'order-db-1', 5432),
  flow('entity operator → a database', 'switchyard-entity-operator', 'order-db-1', 5432),
  flow('entity operator → Kafka clients port', 'switchyard-entity-operator', broker, 9092),
  flow('Kafka Exporter → Kafka clients port', 'switchyard-kafka-exporter', broker, 9092),
  flow('Kafka Exporter → a database', 'switchyard-kafka-exporter', 'order-db-1', 5432),
  flow(
    'Kafka Exporter → the Kubernetes API',
    'switchyard-kafka-exporter',
    address('kubernetes-api'),
    443,
  ),
  flow(
    'Kafka Exporter → the internet',
    'switchyard-kafka-exporter',
    address('object-storage'),
    443,
  ),
  flow(
    'order → OTel collector over gRPC (only OTLP/HTTP is used)',
    'order',
    'otel-collector',
    4317,
  ),
  flow('order → the internet', 'order', address('object-storage'), 443),
];

const describeDecision = (network: Network, f: Flow) => {
  const d = decide(network, f);
  return `${f.what} (${f.from.name} → ${'namespace' in f.to ? f.to.name : f.to.ip}:${f.port}/${f.protocol}): ${
    d.allowed ? 'allowed' : 'denied'
  } — egress: ${d.egress}; ingress: ${d.ingress}`;
};
const blocked = (network: Network) => required.filter((f) => !decide(network, f).allowed);
const leaked = (network: Network) => forbidden.filter((f) => decide(network, f).allowed);

describe('the production overlay’s network (NetworkPolicy model)', () => {
  it.each(required.map((f) => [f.what, f] as const))('allows %s', (_what, f) => {
    expect(describeDecision(world, f)).toMatch(/: allowed —/);
  });

  it.each(forbidden.map((f) => [f.what, f] as const))('denies %s', (_what, f) => {
    expect(describeDecision(world, f)).toMatch(/: denied —/);
  });

  const removable = world.rendered.filter((p) => p.metadata.name !== 'default-deny');
  it.each(removable.map((p) => [p.metadata.name] as const))(
    'needs the policy %s: without it a required connection is denied',
    (name) => {
      const without = {
        ...world,
        policies: world.policies.filter((p) => p.metadata.name !== name),
      };
      expect(blocked(world)).toEqual([]);
      expect(blocked(without).map((f) => f.what)).not.toEqual([]);
    },
  );

  it('needs the default deny: without it a forbidden connection gets through', () => {
    const without = {
      ...world,
      policies: world.policies.filter((p) => p.metadata.name !== 'default-deny'),
    };
    expect(leaked(world)).toEqual([]);
    expect(leaked(without).map((f) => f.what)).not.toEqual([]);
  });

  // The Kafka listener's peers become Strimzi's ingress policy: each one is needed too.
  const kafka = objects.find((o) => o.kind === 'Kafka')!;
  const listeners = (
    kafka.spec as { kafka: { listeners: { name: string; networkPolicyPeers?: PolicyPeer[] }[] } }
  ).kafka.listeners;
  const peers = listeners.flatMap((l, li) =>
    (l.networkPolicyPeers ?? []).map(
      (peer, pi) => [`${l.name} #${pi + 1}: ${JSON.stringify(peer)}`, li, pi] as const,
    ),
  );
  it.each(peers)('needs the Kafka listener peer %s', (_name, li, pi) => {
    const changed: K8sObject = structuredClone(kafka);
    const spec = changed.spec as unknown as {
      kafka: { listeners: { networkPolicyPeers: PolicyPeer[] }[] };
    };
    spec.kafka.listeners[li]!.networkPolicyPeers.splice(pi, 1);
    const strimziNames = new Set(strimziPolicies(kafka).map((p) => p.metadata.name));
    const network = {
      ...world,
      policies: [
        ...world.policies.filter((p) => !strimziNames.has(p.metadata.name)),
        ...strimziPolicies(changed),
      ],
    };
    expect(blocked(network).map((f) => f.what)).not.toEqual([]);
  });

  it('has every Deployment and every operator-made pod in its table of required connections', () => {
    const inTable = new Set(
      required.flatMap((f) => [f.from.name, 'namespace' in f.to ? f.to.name : '']),
    );
    const ofOurs = world.pods.filter(
      (p) => p.namespace === 'switchyard' && p.name !== 'debug-shell',
    );
    expect(ofOurs.map((p) => p.name).filter((name) => !inTable.has(name))).toEqual([]);
  });

  it('never leaves a Kafka listener open to every pod (a listener without peers is)', () => {
    for (const listener of listeners) {
      expect(listener.networkPolicyPeers?.length ?? 0).toBeGreaterThan(0);
    }
  });
});
