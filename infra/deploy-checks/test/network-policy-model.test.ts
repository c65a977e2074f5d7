// The model's reading of NetworkPolicy semantics, case by case, on a tiny cluster.
import {
  addressIn,
  decide,
  inCidr,
  type Network,
  type NetworkPolicy,
  type Pod,
} from './network-policy-model.js';

const web: Pod = { name: 'web', namespace: 'a', labels: { app: 'web' }, ip: '10.1.0.1' };
const db: Pod = {
  name: 'db',
  namespace: 'a',
  labels: { app: 'db' },
  ip: '10.1.0.2',
  ports: [{ name: 'pg', port: 5432 }],
};
const tool: Pod = { name: 'tool', namespace: 'b', labels: { app: 'web' }, ip: '10.1.0.3' };
const namespaces = {
  a: { 'kubernetes.io/metadata.name': 'a' },
  b: { 'kubernetes.io/metadata.name': 'b', team: 'tools' },
};
const denyAll: NetworkPolicy = {
  metadata: { name: 'deny', namespace: 'a' },
  spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
};
const net = (...policies: NetworkPolicy[]): Network => ({ namespaces, policies });
const allowed = (
  network: Network,
  from: Pod,
  to: Pod | { name: string; ip: string },
  port = 5432,
) => decide(network, { from, to, port }).allowed;

describe('NetworkPolicy model', () => {
  it('allows everything when no policy selects either pod', () => {
    expect(allowed(net(), web, db)).toBe(true);
  });

  it('denies both ways for pods a deny-all policy selects', () => {
    expect(allowed(net(denyAll), web, db)).toBe(false);
    expect(allowed(net(denyAll), tool, db)).toBe(false);
    // tool's namespace has no policy: its egress is open, but db's ingress is not.
    const egressOnly: NetworkPolicy = {
      metadata: { name: 'db-in', namespace: 'a' },
      spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [{}] },
    };
    expect(allowed(net(denyAll, egressOnly), tool, db)).toBe(true);
    expect(allowed(net(denyAll, egressOnly), web, db)).toBe(false);
  });

  it('needs the source’s egress and the destination’s ingress', () => {
    const webOut: NetworkPolicy = {
      metadata: { name: 'web-out', namespace: 'a' },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }],
      },
    };
    const dbIn: NetworkPolicy = {
      metadata: { name: 'db-in', namespace: 'a' },
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
      },
    };
    expect(allowed(net(denyAll, webOut), web, db)).toBe(false);
    expect(allowed(net(denyAll, dbIn), web, db)).toBe(false);
    expect(allowed(net(denyAll, webOut, dbIn), web, db)).toBe(true);
  });

  it('reads a podSelector alone as the policy’s own namespace, and both selectors as AND', () => {
    const dbFrom = (peer: NonNullable<NetworkPolicy['spec']['ingress']>[number]) =>
      net({
        metadata: { name: 'db-in', namespace: 'a' },
        spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [peer] },
      });
    const sameNamespace = dbFrom({ from: [{ podSelector: { matchLabels: { app: 'web' } } }] });
    expect(allowed(sameNamespace, web, db)).toBe(true);
    expect(allowed(sameNamespace, tool, db)).toBe(false);
    const both = dbFrom({
      from: [
        {
          namespaceSelector: { matchLabels: { team: 'tools' } },
          podSelector: { matchLabels: { app: 'web' } },
        },
      ],
    });
    expect(allowed(both, tool, db)).toBe(true);
    expect(allowed(both, web, db)).toBe(false);
    const either = dbFrom({
      from: [
        { namespaceSelector: { matchLabels: { team: 'tools' } } },
        { podSelector: { matchLabels: { app: 'nobody' } } },
      ],
    });
    expect(allowed(either, tool, db)).toBe(true);
    expect(allowed(either, web, db)).toBe(false);
  });

  it('matches ports by number, range, protocol and the destination’s port names', () => {
    const dbOn = (ports: NonNullable<NetworkPolicy['spec']['ingress']>[number]['ports']) =>
      net({
        metadata: { name: 'db-in', namespace: 'a' },
        spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports }] },
      });
    expect(allowed(dbOn([{ port: 5432 }]), web, db)).toBe(true);
    expect(allowed(dbOn([{ port: 5433 }]), web, db)).toBe(false);
    expect(allowed(dbOn([{ port: 5000, endPort: 6000 }]), web, db)).toBe(true);
    expect(allowed(dbOn([{ port: 5432, protocol: 'UDP' }]), web, db)).toBe(false);
    expect(allowed(dbOn([{ port: 'pg' }]), web, db)).toBe(true);
    expect(allowed(dbOn([{ port: 'pg' }]), web, db, 5433)).toBe(false);
    expect(allowed(dbOn([{ port: 'http' }]), web, db)).toBe(false);
  });

  it('matches ipBlocks minus their exceptions', () => {
    const internet = { name: 'internet', ip: '203.0.113.9' };
    const metadata = { name: 'metadata', ip: '169.254.169.254' };
    const out = net(denyAll, {
      metadata: { name: 'out', namespace: 'a' },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } }] }],
      },
    });
    expect(allowed(out, web, internet, 443)).toBe(true);
    expect(allowed(out, web, metadata, 80)).toBe(false);
    expect(inCidr('10.200.3.4', '10.0.0.0/8')).toBe(true);
    expect(inCidr('11.0.0.1', '10.0.0.0/8')).toBe(false);
    expect(addressIn('10.0.0.0/8')).toBe('10.0.0.1');
    expect(addressIn('192.0.2.7/32')).toBe('192.0.2.7');
  });

  it('isolates for egress only when asked: policyTypes defaults to Ingress (plus Egress with rules)', () => {
    const ingressOnly: NetworkPolicy = {
      metadata: { name: 'in', namespace: 'a' },
      spec: { podSelector: { matchLabels: { app: 'web' } } },
    };
    expect(allowed(net(ingressOnly), web, db)).toBe(true);
    expect(allowed(net(ingressOnly), db, web)).toBe(false);
  });
});
