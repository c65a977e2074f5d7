// The way in, as production renders it: a Gateway API Gateway whose HTTPS listener serves the
// certificate cert-manager writes, an HTTPRoute to our gateway Service, plain HTTP only
// redirecting, all for the host the tokens are issued for. The Ingress (for clusters without
// the Gateway API) is the local overlay's, on no retired controller.
import { renderOverlay, type K8sObject } from './manifests.js';

interface Listener {
  name: string;
  protocol: string;
  port: number;
  hostname?: string;
  tls?: { mode?: string; certificateRefs?: { kind?: string; name: string }[] };
}
interface Route {
  parentRefs: { name: string; sectionName?: string }[];
  hostnames?: string[];
  rules: {
    matches?: { path?: { type: string; value: string } }[];
    backendRefs?: { name: string; port: number }[];
    filters?: { type: string; requestRedirect?: { scheme?: string; statusCode?: number } }[];
    timeouts?: { request?: string };
  }[];
}

const objects = renderOverlay('production');
const of = (kind: string) => objects.filter((o) => o.kind === kind);
const one = (kind: string, name: string): K8sObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`production renders no ${kind}/${name}`);
  return found;
};

const gateway = one('Gateway', 'switchyard');
const listeners = (gateway.spec as unknown as { listeners: Listener[] }).listeners;
const https = listeners.find((l) => l.protocol === 'HTTPS')!;
const routes = of('HTTPRoute').map((r) => ({
  name: r.metadata.name,
  spec: r.spec as unknown as Route,
}));
const publicHost = new URL(one('ConfigMap', 'gateway-config').data!.AUTH_ISSUER!).hostname;

describe('the production edge (Gateway API)', () => {
  it('has no Ingress: the Gateway API is the way in', () => {
    expect(of('Ingress')).toEqual([]);
  });

  it('terminates TLS on 443 for the host the tokens are issued for (AUTH_ISSUER)', () => {
    expect(https).toMatchObject({ port: 443, hostname: publicHost, tls: { mode: 'Terminate' } });
  });

  it('serves the certificate cert-manager issues for that host', () => {
    const [ref] = https.tls!.certificateRefs!;
    expect(ref?.kind ?? 'Secret').toBe('Secret');
    const certificate = of('Certificate').find(
      (c) => (c.spec as { secretName: string }).secretName === ref!.name,
    );
    expect(certificate?.spec).toMatchObject({
      dnsNames: [publicHost],
      issuerRef: { group: 'cert-manager.io', kind: expect.stringMatching(/Issuer$/) },
    });
  });

  it('attaches every route to a listener that exists, for the same host', () => {
    for (const { spec } of routes) {
      for (const parent of spec.parentRefs) {
        expect(parent.name).toBe(gateway.metadata.name);
        expect(listeners.map((l) => l.name)).toContain(parent.sectionName);
      }
      expect(spec.hostnames).toEqual([publicHost]);
    }
  });

  it('sends HTTPS to the gateway Service’s http port, and nowhere else', () => {
    const service = one('Service', 'gateway');
    const http = (service.spec as { ports: { name: string; port: number }[] }).ports.find(
      (p) => p.name === 'http',
    )!;
    const overHttps = routes.filter((r) =>
      r.spec.parentRefs.some((p) => p.sectionName === https.name),
    );
    const backends = overHttps.flatMap((r) =>
      r.spec.rules.flatMap((rule) => rule.backendRefs ?? []),
    );
    expect(backends.length).toBeGreaterThan(0);
    for (const backend of backends) expect(backend).toEqual({ name: 'gateway', port: http.port });
  });

  it('keeps the notification stream (SSE) open: no request timeout on its path', () => {
    const stream = routes
      .flatMap((r) => r.spec.rules)
      .find((rule) => rule.matches?.some((m) => m.path?.value === '/v1/notifications/stream'));
    expect(stream?.timeouts?.request).toBe('0s');
  });

  it('answers plain HTTP only with a permanent redirect to HTTPS', () => {
    const plain = listeners.filter((l) => l.protocol === 'HTTP').map((l) => l.name);
    const overHttp = routes.filter((r) =>
      r.spec.parentRefs.some((p) => plain.includes(p.sectionName!)),
    );
    expect(overHttp.length).toBeGreaterThan(0);
    for (const route of overHttp) {
      for (const rule of route.spec.rules) {
        expect(rule.backendRefs ?? []).toEqual([]);
        expect(rule.filters).toEqual([
          { type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } },
        ]);
      }
    }
  });
});

describe('the Ingress fallback (local overlay)', () => {
  const ingresses = renderOverlay('local').filter((o) => o.kind === 'Ingress');

  it('routes to the gateway Service, on no retired controller’s class or annotations', () => {
    expect(ingresses).toHaveLength(1);
    const [ingress] = ingresses;
    expect(JSON.stringify(ingress)).not.toMatch(/ingress\.kubernetes\.io|"nginx"/);
    expect(JSON.stringify(ingress!.spec)).toContain('"name":"gateway"');
  });
});
