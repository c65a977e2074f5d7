// What a platform team's admission policies would demand of every workload, checked on what
// each overlay renders.
import {
  overlays,
  renderOverlay,
  type Container,
  type K8sObject,
  type PodSpec,
} from './manifests.js';

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'Job']);
const podSpecOf = (o: K8sObject) => o.spec!.template!.spec as PodSpec;
const podLabelsOf = (o: K8sObject) => o.spec!.template!.metadata?.labels ?? {};
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  if (!matches(selector.matchLabels, labels)) return false;
  return (selector.matchExpressions ?? []).every((e) =>
    e.operator === 'In'
      ? e.values!.includes(labels[e.key]!)
      : e.operator === 'NotIn'
        ? !e.values!.includes(labels[e.key]!)
        : e.operator === 'Exists'
          ? e.key in labels
          : !(e.key in labels),
  );
}

describe.each(overlays)('overlay %s', (overlay) => {
  const objects = renderOverlay(overlay);
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  const workloads = objects.filter((o) => WORKLOADS.has(o.kind));
  // Our own deployables (services and the gateway) get the full policy; the local overlay's
  // infrastructure stand-ins get the container rules only.
  const platform = of('Deployment').filter((d) =>
    ['service', 'gateway'].includes(d.metadata.labels?.['app.kubernetes.io/component'] ?? ''),
  );
  const containersOf = (o: K8sObject): Container[] => [
    ...podSpecOf(o).containers,
    ...(podSpecOf(o).initContainers ?? []),
  ];

  it('deploys every service and the gateway', () => {
    expect(platform.map((d) => d.metadata.name).sort()).toEqual([
      'auth',
      'billing',
      'gateway',
      'notification',
      'order',
      'payment',
    ]);
  });

  it.each(workloads.map((w) => [`${w.kind}/${w.metadata.name}`, w] as const))(
    '%s: pinned images, resources, a locked-down securityContext',
    (_name, workload) => {
      const pod = podSpecOf(workload);
      const podSecurity = pod.securityContext as Record<string, unknown>;
      expect(podSecurity.runAsNonRoot).toBe(true);
      expect(podSecurity.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const container of containersOf(workload)) {
        const image = container.image;
        expect(image).toMatch(/(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/);
        expect(image).not.toMatch(/:latest$/);
        const resources = container.resources as {
          requests?: Record<string, string>;
          limits?: Record<string, string>;
        };
        expect(resources?.requests?.cpu).toBeDefined();
        expect(resources?.requests?.memory).toBeDefined();
        expect(resources?.limits?.memory).toBeDefined();
        const security = container.securityContext as Record<string, unknown>;
        expect(security.allowPrivilegeEscalation).toBe(false);
        expect(security.capabilities).toEqual({ drop: ['ALL'] });
        if (
          workload.metadata.labels?.['app.kubernetes.io/part-of'] === 'switchyard' &&
          workload.metadata.name !== 'kafka'
        ) {
          expect(security.readOnlyRootFilesystem).toBe(true);
        }
      }
    },
  );

  it.each(platform.map((d) => [d.metadata.name, d] as const))(
    '%s: probes, drain timing, spread, a PDB, autoscaling, NetworkPolicy coverage',
    (name, deployment) => {
      const pod = podSpecOf(deployment);
      const main = pod.containers[0]!;
      expect(main.startupProbe).toBeDefined();
      expect((main.livenessProbe as { httpGet: { path: string } }).httpGet.path).toBe('/healthz');
      expect((main.readinessProbe as { httpGet: { path: string } }).httpGet.path).toBe('/readyz');
      // preStop pause + the service's drain (SHUTDOWN_GRACE_MS) must fit in the grace period.
      const preStop = (main.lifecycle as { preStop: { sleep: { seconds: number } } }).preStop.sleep
        .seconds;
      const config = of('ConfigMap').find((c) => c.metadata.name.startsWith(`${name}-config`))!;
      const drainSeconds = Number(config.data!.SHUTDOWN_GRACE_MS) / 1000;
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + drainSeconds);
      expect((pod.topologySpreadConstraints as unknown[]).length).toBeGreaterThan(0);

      const labels = podLabelsOf(deployment);
      const pdbs = of('PodDisruptionBudget').filter((p) =>
        selects((p.spec as { selector: LabelSelector }).selector, labels),
      );
      expect(pdbs).toHaveLength(1);

      const hpa = of('HorizontalPodAutoscaler').filter(
        (h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === name,
      );
      const scaled = of('ScaledObject').filter(
        (s) => (s.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === name,
      );
      expect(hpa.length + scaled.length).toBe(1);

      const policies = of('NetworkPolicy').filter((p) =>
        selects((p.spec as { podSelector: LabelSelector }).podSelector, labels),
      );
      const types = new Set(
        policies.flatMap((p) => (p.spec as { policyTypes: string[] }).policyTypes),
      );
      expect(types).toEqual(new Set(['Ingress', 'Egress']));
      // The default deny is one of them.
      expect(policies.some((p) => p.metadata.name === 'default-deny')).toBe(true);
    },
  );

  it('denies by default: one policy selects every pod with no rules', () => {
    const deny = of('NetworkPolicy').find((p) => p.metadata.name === 'default-deny')!;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('lets only the gateway (and the JWKS verifiers, to auth) reach a service', () => {
    for (const name of ['order', 'payment', 'notification', 'billing']) {
      const own = of('NetworkPolicy').find((p) => p.metadata.name === name)!;
      const peers = (own.spec as { ingress: { from: { podSelector?: LabelSelector }[] }[] }).ingress
        .flatMap((rule) => rule.from)
        .flatMap((peer) => (peer.podSelector ? [peer.podSelector.matchLabels] : []));
      expect(peers).toEqual([{ 'app.kubernetes.io/name': 'gateway' }]);
    }
  });
});
