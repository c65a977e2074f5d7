// A key two services must hold alike comes from one place: the reset-token sealing key seals in
// auth and opens in notification, and two copies (two Secrets, two paths in the secret store)
// drift apart silently — password reset then fails only when someone needs it.
import { overlays, renderOverlay, type K8sObject } from './manifests.js';

const SHARED: { variable: string; deployments: string[] }[] = [
  { variable: 'RESET_TOKEN_SEALING_KEY', deployments: ['auth', 'notification'] },
];

/** Where a Deployment's main container gets `variable`: each Secret that holds it, and its source. */
function sourcesOf(objects: K8sObject[], deployment: string, variable: string): string[] {
  const found = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === deployment);
  const container = found?.spec?.template?.spec?.containers[0];
  if (!container) throw new Error(`no Deployment ${deployment}`);
  const sources: string[] = [];
  for (const entry of container.env ?? []) {
    if (entry.name === variable)
      sources.push(`env ${JSON.stringify(entry.valueFrom ?? entry.value)}`);
  }
  for (const from of container.envFrom ?? []) {
    const name = from.secretRef?.name;
    if (!name) continue;
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === name);
    if (secret?.data && variable in secret.data) sources.push(`Secret ${name}`);
    const external = objects.find(
      (o) =>
        o.kind === 'ExternalSecret' &&
        (o.spec as { target: { name: string } }).target.name === name,
    );
    const spec = external?.spec as
      { data?: { secretKey: string; remoteRef: { key: string; property: string } }[] } | undefined;
    for (const entry of spec?.data ?? []) {
      if (entry.secretKey === variable)
        sources.push(`Secret ${name} ← ${entry.remoteRef.key}#${entry.remoteRef.property}`);
    }
  }
  return sources;
}

describe.each(overlays)('overlay %s', (overlay) => {
  const objects = renderOverlay(overlay);
  it.each(SHARED)(
    'gives $variable to $deployments from one Secret',
    ({ variable, deployments }) => {
      const sources = deployments.map((d) => sourcesOf(objects, d, variable));
      for (const list of sources) expect(list).toHaveLength(1);
      expect(new Set(sources.flat()).size).toBe(1);
    },
  );
});
