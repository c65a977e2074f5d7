// Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), small enough to read: decide whether
// one connection from a pod to a pod or an address is allowed by a set of policies.
//
// - A pod is isolated for egress (ingress) if any policy in its namespace selects it and has that
//   policy type; a pod no such policy selects may send (receive) anything.
// - An isolated pod's connection is allowed if some rule of some policy selecting it allows it;
//   policies only add. A connection needs the source's egress AND the destination's ingress.
// - A peer with podSelector alone means pods of the policy's own namespace; with
//   namespaceSelector alone every pod of the selected namespaces; with both, the selected pods
//   of the selected namespaces; an ipBlock an address range minus its exceptions. A rule with no
//   peers matches every peer, one with no ports every port. A named port is the destination
//   pod's container port of that name.
// Traffic from the node (kubelet probes) is always allowed and not modelled. IPv4 only.

export type Labels = Record<string, string>;
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}
export interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
export interface PolicyPort {
  protocol?: Protocol;
  port?: number | string;
  endPort?: number;
}
export interface NetworkPolicy {
  metadata: { name: string; namespace?: string };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: ('Ingress' | 'Egress')[];
    ingress?: { from?: PolicyPeer[]; ports?: PolicyPort[] }[];
    egress?: { to?: PolicyPeer[]; ports?: PolicyPort[] }[];
  };
}

export interface Pod {
  name: string;
  namespace: string;
  labels: Labels;
  ip: string;
  ports?: { name: string; port: number; protocol?: Protocol }[];
}
/** Something outside the cluster's pods: the API server, a managed service, the internet. */
export interface Address {
  name: string;
  ip: string;
}
export type Endpoint = Pod | Address;
const isPod = (endpoint: Endpoint): endpoint is Pod => 'namespace' in endpoint;

export interface Network {
  /** Every namespace's labels (kubernetes.io/metadata.name included). */
  namespaces: Record<string, Labels>;
  policies: NetworkPolicy[];
}
export interface Connection {
  from: Pod;
  to: Endpoint;
  port: number;
  protocol?: Protocol;
}
export interface Decision {
  allowed: boolean;
  /** Why, side by side: "egress: isolated, allowed by order" / "ingress: isolated, nothing allows it". */
  egress: string;
  ingress: string;
}

export function selects(selector: LabelSelector, labels: Labels): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    byLabel &&
    (selector.matchExpressions ?? []).every((e) => {
      const has = Object.hasOwn(labels, e.key);
      switch (e.operator) {
        case 'In':
          return has && (e.values ?? []).includes(labels[e.key]!);
        case 'NotIn':
          return !has || !(e.values ?? []).includes(labels[e.key]!);
        case 'Exists':
          return has;
        case 'DoesNotExist':
          return !has;
      }
    })
  );
}

function ipv4(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${address}`);
  }
  return parts.reduce((n, p) => n * 256 + p, 0);
}

export function inCidr(address: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits ?? 32));
  const start = Math.floor(ipv4(base!) / size) * size;
  const ip = ipv4(address);
  return ip >= start && ip < start + size;
}

/** The first usable address of a range (the address itself for a /32). */
export function addressIn(cidr: string): string {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits ?? 32));
  const n = Math.floor(ipv4(base!) / size) * size + (size > 1 ? 1 : 0);
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

function peerMatches(
  peer: PolicyPeer,
  policyNamespace: string,
  other: Endpoint,
  network: Network,
): boolean {
  if (peer.ipBlock) {
    return (
      inCidr(other.ip, peer.ipBlock.cidr) &&
      !(peer.ipBlock.except ?? []).some((range) => inCidr(other.ip, range))
    );
  }
  if (!isPod(other)) return false;
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  const namespaceMatches = peer.namespaceSelector
    ? selects(peer.namespaceSelector, network.namespaces[other.namespace] ?? {})
    : other.namespace === policyNamespace;
  return namespaceMatches && (!peer.podSelector || selects(peer.podSelector, other.labels));
}

function portMatches(
  ports: PolicyPort[] | undefined,
  destination: Endpoint,
  port: number,
  protocol: Protocol,
): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return port >= p.port && port <= (p.endPort ?? p.port);
    return (
      isPod(destination) &&
      (destination.ports ?? []).some(
        (named) =>
          named.name === p.port && named.port === port && (named.protocol ?? 'TCP') === protocol,
      )
    );
  });
}

const namespaceOf = (policy: NetworkPolicy) => policy.metadata.namespace ?? 'default';
function typesOf(policy: NetworkPolicy): string[] {
  return policy.spec.policyTypes ?? ['Ingress', ...(policy.spec.egress ? ['Egress'] : [])];
}
function policiesIsolating(pod: Pod, type: 'Ingress' | 'Egress', network: Network) {
  return network.policies.filter(
    (p) =>
      namespaceOf(p) === pod.namespace &&
      typesOf(p).includes(type) &&
      selects(p.spec.podSelector, pod.labels),
  );
}

function judge(policies: NetworkPolicy[], allows: (policy: NetworkPolicy) => boolean) {
  if (policies.length === 0) return { allowed: true, why: 'not isolated' };
  const by = policies.filter(allows).map((p) => p.metadata.name);
  return by.length > 0
    ? { allowed: true, why: `allowed by ${by.join(', ')}` }
    : {
        allowed: false,
        why: `isolated by ${policies.map((p) => p.metadata.name).join(', ')}; none allows it`,
      };
}

export function decide(network: Network, connection: Connection): Decision {
  const { from, to, port } = connection;
  const protocol = connection.protocol ?? 'TCP';
  const egress = judge(policiesIsolating(from, 'Egress', network), (policy) =>
    (policy.spec.egress ?? []).some(
      (rule) =>
        (!rule.to ||
          rule.to.length === 0 ||
          rule.to.some((peer) => peerMatches(peer, namespaceOf(policy), to, network))) &&
        portMatches(rule.ports, to, port, protocol),
    ),
  );
  const ingress = isPod(to)
    ? judge(policiesIsolating(to, 'Ingress', network), (policy) =>
        (policy.spec.ingress ?? []).some(
          (rule) =>
            (!rule.from ||
              rule.from.length === 0 ||
              rule.from.some((peer) => peerMatches(peer, namespaceOf(policy), from, network))) &&
            portMatches(rule.ports, to, port, protocol),
        ),
      )
    : { allowed: true, why: 'outside the cluster' };
  return {
    allowed: egress.allowed && ingress.allowed,
    egress: egress.why,
    ingress: ingress.why,
  };
}
