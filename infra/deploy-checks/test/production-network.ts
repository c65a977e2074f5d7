// The production cluster as the NetworkPolicy model sees it: the policies the overlay renders,
// the ones Strimzi's cluster operator writes from our Kafka resource, and the pods — ours from
// the rendered Deployments, the operators' with the labels and ports those operators give them,
// and the neighbours in other namespaces (DNS, Prometheus, the OTel collector, KEDA, the
// operators, the ingress controller) with the labels their usual installs carry.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot, type K8sObject } from './manifests.js';
import {
  addressIn,
  type Address,
  type Labels,
  type Network,
  type NetworkPolicy,
  type PolicyPeer,
  type Pod,
} from './network-policy-model.js';

export const NAMESPACE = 'switchyard';

interface KafkaSpec {
  kafka: {
    listeners: { name: string; port: number; networkPolicyPeers?: PolicyPeer[] }[];
    template?: { pod?: { metadata?: { labels?: Labels } } };
  };
  entityOperator?: { template?: { pod?: { metadata?: { labels?: Labels } } } };
  kafkaExporter?: { template?: { pod?: { metadata?: { labels?: Labels } } } };
}

/**
 * What Strimzi's cluster operator writes for a Kafka cluster (strimzi-kafka-operator,
 * KafkaCluster.generateNetworkPolicy and EntityOperator.generateNetworkPolicy): ingress only,
 * on the nodes' selector labels — 9090 (control plane) from the nodes and the cluster operator,
 * 9091 (replication) from the nodes, the cluster operator, the entity operator, the Kafka
 * exporter and Cruise Control, 8443 (Kafka agent) from the cluster operator, each listener's
 * port from its networkPolicyPeers (from everyone when it has none) — and the entity operator's
 * health port and the Kafka Exporter's metrics port (KafkaExporter.generateNetworkPolicy: 9404
 * from everyone) open. The cluster operator runs in another namespace without
 * STRIMZI_OPERATOR_NAMESPACE_LABELS, so its peer matches its pods in every namespace.
 */
export function strimziPolicies(kafka: K8sObject): NetworkPolicy[] {
  const cluster = kafka.metadata.name;
  const spec = kafka.spec as unknown as KafkaSpec;
  const nodes = {
    'strimzi.io/cluster': cluster,
    'strimzi.io/name': `${cluster}-kafka`,
    'strimzi.io/kind': 'Kafka',
  };
  const clusterOperator: PolicyPeer = {
    podSelector: { matchLabels: { 'strimzi.io/kind': 'cluster-operator' } },
    namespaceSelector: {},
  };
  const named = (name: string): PolicyPeer => ({
    podSelector: { matchLabels: { 'strimzi.io/name': name } },
  });
  const rule = (port: number, from: PolicyPeer[] | undefined) => ({
    ports: [{ protocol: 'TCP' as const, port }],
    from: from ?? [],
  });
  const kafkaPolicy: NetworkPolicy = {
    metadata: { name: `${cluster}-network-policy-kafka`, namespace: NAMESPACE },
    spec: {
      podSelector: { matchLabels: nodes },
      ingress: [
        rule(9090, [{ podSelector: { matchLabels: nodes } }, clusterOperator]),
        rule(9091, [
          clusterOperator,
          { podSelector: { matchLabels: nodes } },
          named(`${cluster}-entity-operator`),
          named(`${cluster}-kafka-exporter`),
          named(`${cluster}-cruise-control`),
        ]),
        rule(8443, [clusterOperator]),
        ...spec.kafka.listeners.map((l) => rule(l.port, l.networkPolicyPeers)),
      ],
    },
  };
  const entityOperatorPolicy: NetworkPolicy = {
    metadata: { name: `${cluster}-entity-operator`, namespace: NAMESPACE },
    spec: {
      podSelector: {
        matchLabels: {
          'strimzi.io/cluster': cluster,
          'strimzi.io/name': `${cluster}-entity-operator`,
          'strimzi.io/kind': 'Kafka',
        },
      },
      ingress: [rule(8080, [])],
    },
  };
  const kafkaExporterPolicy: NetworkPolicy = {
    metadata: { name: `${cluster}-kafka-exporter`, namespace: NAMESPACE },
    spec: {
      podSelector: {
        matchLabels: {
          'strimzi.io/cluster': cluster,
          'strimzi.io/name': `${cluster}-kafka-exporter`,
          'strimzi.io/kind': 'Kafka',
        },
      },
      ingress: [rule(9404, [])],
    },
  };
  return [
    kafkaPolicy,
    ...(spec.entityOperator ? [entityOperatorPolicy] : []),
    ...(spec.kafkaExporter ? [kafkaExporterPolicy] : []),
  ];
}

/** The addresses set once in the overlay's cluster-network.yaml (never rendered). */
export function clusterAddresses(): Record<string, string> {
  const file = path.join(repoRoot, 'k8s/overlays/production/cluster-network.yaml');
  return (parse(readFileSync(file, 'utf8')) as { data: Record<string, string> }).data;
}

export interface ProductionNetwork extends Network {
  pods: Pod[];
  addresses: Record<string, Address>;
  /** Our policies as rendered (the ones a test may take away). */
  rendered: NetworkPolicy[];
}

export function productionNetwork(objects: K8sObject[]): ProductionNetwork {
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  let nextIp = 10;
  const ip = () => `10.244.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
  const pod = (name: string, namespace: string, labels: Labels, ports: Pod['ports'] = []): Pod => ({
    name,
    namespace,
    labels,
    ports,
    ip: ip(),
  });

  const namespaceLabels = (name: string, labels: Labels = {}) => ({
    ...labels,
    'kubernetes.io/metadata.name': name,
  });
  const ours = of('Namespace').find((n) => n.metadata.name === NAMESPACE)!;
  const namespaces: Record<string, Labels> = {
    [NAMESPACE]: namespaceLabels(NAMESPACE, ours.metadata.labels),
  };
  for (const name of [
    'kube-system',
    'monitoring',
    'observability',
    'keda',
    'cnpg-system',
    'strimzi',
    'ingress-nginx',
    'elsewhere',
  ]) {
    namespaces[name] = namespaceLabels(name);
  }
  // The Gateway API implementation's proxies (Envoy Gateway's namespace by default), in the
  // namespace the administrators label switchyard.io/edge=true as docs/deploy.md says.
  namespaces['envoy-gateway-system'] = namespaceLabels('envoy-gateway-system', {
    'switchyard.io/edge': 'true',
  });

  const pods: Pod[] = [];
  // Our Deployments, with their pod template's labels and named container ports.
  for (const deployment of of('Deployment')) {
    const template = deployment.spec!.template!;
    pods.push(
      pod(
        deployment.metadata.name,
        NAMESPACE,
        template.metadata!.labels!,
        template.spec!.containers.flatMap((c) =>
          ((c.ports ?? []) as { name?: string; containerPort: number; protocol?: 'TCP' }[]).map(
            (p) => ({ name: p.name ?? '', port: p.containerPort, protocol: p.protocol }),
          ),
        ),
      ),
    );
  }

  // CloudNativePG: per Cluster, instance pods <name>-1 (primary) and <name>-2 (replica), the
  // join job's pod of a third instance, and for a Cluster bootstrapped by recovery the first
  // instance's full-recovery job pod, with the operator's labels and inheritedMetadata's.
  const instancePorts = [
    { name: 'postgresql', port: 5432 },
    { name: 'metrics', port: 9187 },
    { name: 'status', port: 8000 },
  ];
  for (const cluster of of('Cluster')) {
    const name = cluster.metadata.name;
    const inherited =
      (cluster.spec as { inheritedMetadata?: { labels?: Labels } }).inheritedMetadata?.labels ?? {};
    for (const [n, role] of [
      [1, 'primary'],
      [2, 'replica'],
    ] as const) {
      pods.push(
        pod(
          `${name}-${n}`,
          NAMESPACE,
          {
            ...inherited,
            'cnpg.io/cluster': name,
            'cnpg.io/instanceName': `${name}-${n}`,
            'cnpg.io/podRole': 'instance',
            'cnpg.io/instanceRole': role,
            role,
          },
          instancePorts,
        ),
      );
    }
    pods.push(
      pod(`${name}-3-join`, NAMESPACE, {
        ...inherited,
        'cnpg.io/cluster': name,
        'cnpg.io/instanceName': `${name}-3`,
        'cnpg.io/jobRole': 'join',
      }),
    );
    if ((cluster.spec as { bootstrap?: { recovery?: unknown } }).bootstrap?.recovery) {
      pods.push(
        pod(`${name}-1-full-recovery`, NAMESPACE, {
          ...inherited,
          'cnpg.io/cluster': name,
          'cnpg.io/instanceName': `${name}-1`,
          'cnpg.io/jobRole': 'full-recovery',
        }),
      );
    }
  }

  // Strimzi: each KafkaNodePool's nodes, the entity operator and the Kafka Exporter, labelled as
  // the cluster operator labels them (KafkaPool, Labels.generateDefaultLabels) plus the
  // templates' labels.
  const strimziGenerated: NetworkPolicy[] = [];
  for (const kafka of of('Kafka')) {
    const cluster = kafka.metadata.name;
    const spec = kafka.spec as unknown as KafkaSpec;
    const common = {
      'strimzi.io/cluster': cluster,
      'strimzi.io/kind': 'Kafka',
      'app.kubernetes.io/instance': cluster,
      'app.kubernetes.io/part-of': `strimzi-${cluster}`,
      'app.kubernetes.io/managed-by': 'strimzi-cluster-operator',
    };
    const pools = of('KafkaNodePool').filter(
      (p) => p.metadata.labels?.['strimzi.io/cluster'] === cluster,
    );
    for (const pool of pools) {
      const { replicas, roles } = pool.spec as { replicas: number; roles: string[] };
      for (let i = 0; i < replicas; i++) {
        pods.push(
          pod(
            `${cluster}-${pool.metadata.name}-${i}`,
            NAMESPACE,
            {
              ...(spec.kafka.template?.pod?.metadata?.labels ?? {}),
              ...common,
              'strimzi.io/name': `${cluster}-kafka`,
              'strimzi.io/component-type': 'kafka',
              'strimzi.io/pool-name': pool.metadata.name,
              'strimzi.io/broker-role': String(roles.includes('broker')),
              'strimzi.io/controller-role': String(roles.includes('controller')),
              'app.kubernetes.io/name': 'kafka',
            },
            [
              { name: 'tcp-ctrlplane', port: 9090 },
              { name: 'tcp-replication', port: 9091 },
              { name: 'tcp-kafkaagent', port: 8443 },
              ...spec.kafka.listeners.map((l) => ({ name: `tcp-${l.name}`, port: l.port })),
            ],
          ),
        );
      }
    }
    if (spec.entityOperator) {
      pods.push(
        pod(`${cluster}-entity-operator`, NAMESPACE, {
          ...(spec.entityOperator.template?.pod?.metadata?.labels ?? {}),
          ...common,
          'strimzi.io/name': `${cluster}-entity-operator`,
          'strimzi.io/component-type': 'entity-operator',
          'app.kubernetes.io/name': 'entity-operator',
        }),
      );
    }
    if (spec.kafkaExporter) {
      pods.push(
        pod(
          `${cluster}-kafka-exporter`,
          NAMESPACE,
          {
            ...(spec.kafkaExporter.template?.pod?.metadata?.labels ?? {}),
            ...common,
            'strimzi.io/name': `${cluster}-kafka-exporter`,
            'strimzi.io/component-type': 'kafka-exporter',
            'app.kubernetes.io/name': 'kafka-exporter',
          },
          [{ name: 'tcp-prometheus', port: 9404 }],
        ),
      );
    }
    strimziGenerated.push(...strimziPolicies(kafka));
  }

  // Neighbours.
  pods.push(
    pod('kube-dns', 'kube-system', { 'k8s-app': 'kube-dns' }, [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53 },
    ]),
    pod('prometheus', 'monitoring', {
      'app.kubernetes.io/name': 'prometheus',
      'app.kubernetes.io/managed-by': 'prometheus-operator',
    }),
    pod('grafana', 'monitoring', { 'app.kubernetes.io/name': 'grafana' }),
    pod(
      'otel-collector',
      'observability',
      { 'app.kubernetes.io/name': 'opentelemetry-collector' },
      [
        { name: 'otlp-http', port: 4318 },
        { name: 'otlp', port: 4317 },
      ],
    ),
    pod('keda-operator', 'keda', {
      app: 'keda-operator',
      'app.kubernetes.io/name': 'keda-operator',
      'app.kubernetes.io/component': 'operator',
    }),
    pod('keda-metrics-apiserver', 'keda', {
      app: 'keda-operator-metrics-apiserver',
      'app.kubernetes.io/name': 'keda-operator-metrics-apiserver',
    }),
    pod('cnpg-operator', 'cnpg-system', { 'app.kubernetes.io/name': 'cloudnative-pg' }),
    // The Barman Cloud plugin's Deployment (plugin-barman-cloud's manifest): the operator calls
    // it on 9090 (gRPC, mutual TLS); it calls no database pod. Its sidecar runs inside them.
    pod('barman-cloud-plugin', 'cnpg-system', { app: 'barman-cloud' }, [
      { name: 'grpc', port: 9090 },
    ]),
    pod('strimzi-cluster-operator', 'strimzi', {
      name: 'strimzi-cluster-operator',
      'strimzi.io/kind': 'cluster-operator',
    }),
    // The edge: a proxy of the Gateway, with Envoy Gateway's labels; and the retired
    // ingress-nginx controller, still running in an unlabelled namespace.
    pod('gateway-api-proxy', 'envoy-gateway-system', {
      'app.kubernetes.io/name': 'envoy',
      'app.kubernetes.io/component': 'proxy',
      'app.kubernetes.io/managed-by': 'envoy-gateway',
      'gateway.envoyproxy.io/owning-gateway-name': 'switchyard',
      'gateway.envoyproxy.io/owning-gateway-namespace': NAMESPACE,
    }),
    pod('ingress-controller', 'ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }),
    // A pod no policy names: what anyone who can create a pod in the namespace gets.
    pod('debug-shell', NAMESPACE, { run: 'debug-shell' }),
    pod('stranger', 'elsewhere', { app: 'stranger' }),
  );

  const cidrs = clusterAddresses();
  const addresses: Record<string, Address> = {
    'kubernetes-api': { name: 'the Kubernetes API', ip: addressIn(cidrs['kubernetes-api']!) },
    'managed-redis': { name: 'the managed Redis', ip: addressIn(cidrs['managed-redis']!) },
    // Public addresses (documentation ranges) for what lives on the internet.
    'object-storage': { name: 'object storage (S3)', ip: '203.0.113.10' },
    provider: { name: 'the payment provider', ip: '203.0.113.20' },
    'smtp-relay': { name: 'the SMTP relay', ip: '198.51.100.25' },
    'integrator-webhook': { name: "an integrator's webhook", ip: '198.51.100.80' },
    'metadata-service': { name: 'the cloud metadata service', ip: '169.254.169.254' },
  };

  const rendered = of('NetworkPolicy') as unknown as NetworkPolicy[];
  return {
    namespaces,
    policies: [...rendered, ...strimziGenerated],
    rendered,
    pods,
    addresses,
  };
}
