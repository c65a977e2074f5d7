// Each deployable's configuration, as docker-compose.yml and each overlay give it, against the
// schema the process validates at start (its config.ts): every variable it needs without a
// default is provided, and nothing it does not know is (a typo would be silently ignored).
import type { TObject } from '@sinclair/typebox';
import { allTopics } from '@switchyard/contracts';
import { overlays, readCompose, renderOverlay, repoRoot, type K8sObject } from './manifests.js';

const CONFIG_MODULES: Record<string, string> = {
  auth: 'services/auth/dist/config.js',
  order: 'services/order/dist/config.js',
  payment: 'services/payment/dist/config.js',
  notification: 'services/notification/dist/config.js',
  billing: 'services/billing/dist/config.js',
  gateway: 'gateway/dist/config.js',
  'payment-sandbox': 'infra/payment-sandbox/dist/config.js',
};
// Read by the OpenTelemetry SDK (packages/telemetry), not by the config schema.
const TELEMETRY = new Set([
  'OTEL_SERVICE_NAME',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
]);

async function schemaOf(deployable: string): Promise<TObject> {
  const module = (await import(`${repoRoot}/${CONFIG_MODULES[deployable]}`)) as Record<
    string,
    unknown
  >;
  const schema = Object.values(module).find((v) => (v as TObject)?.properties) as TObject;
  if (!schema) throw new Error(`${CONFIG_MODULES[deployable]} exports no config schema`);
  return schema;
}

function problems(
  schema: TObject,
  provided: Set<string>,
): { missing: string[]; unknown: string[] } {
  const known = new Set(Object.keys(schema.properties));
  // Needed: required by the schema and given no default (the loader fills defaults in).
  const needed = (schema.required ?? []).filter(
    (name) => (schema.properties[name] as { default?: unknown }).default === undefined,
  );
  return {
    missing: needed.filter((name) => !provided.has(name)).sort(),
    unknown: [...provided].filter((name) => !known.has(name) && !TELEMETRY.has(name)).sort(),
  };
}

/** Every variable a Deployment's main container gets: env, and each ConfigMap/Secret it loads. */
function providedByDeployment(objects: K8sObject[], name: string): Set<string> {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
  if (!deployment) return new Set();
  const container = deployment.spec!.template!.spec!.containers[0]!;
  const names = new Set((container.env ?? []).map((e) => e.name));
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef?.name ?? source.secretRef?.name;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const object = objects.find((o) => o.kind === kind && o.metadata.name === ref);
    if (object?.data) Object.keys(object.data).forEach((k) => names.add(k));
    // In production the Secret does not exist until External Secrets creates it.
    const external = objects.find(
      (o) =>
        o.kind === 'ExternalSecret' && (o.spec as { target: { name: string } }).target.name === ref,
    );
    for (const entry of (external?.spec as { data?: { secretKey: string }[] })?.data ?? []) {
      names.add(entry.secretKey);
    }
    if (!object?.data && !external)
      throw new Error(`${name} loads ${kind} ${ref}, which nothing provides`);
  }
  return names;
}

// The keys compose generates on the first run (infra/compose/local-keys.mjs): a service whose
// node loads their file (`--env-file=…`) gets those of them its config reads (the file holds
// every service's keys; the loader ignores the others).
const { localKeyNames } = (await import(`${repoRoot}/infra/compose/local-keys.mjs`)) as {
  localKeyNames: () => string[];
};

describe('docker-compose.yml', () => {
  const compose = readCompose();
  it.each(Object.keys(CONFIG_MODULES))(
    '%s gets what its config needs, nothing unknown',
    async (name) => {
      const service = compose.services[name];
      const schema = await schemaOf(name);
      const provided = new Set(Object.keys(service?.environment ?? {}));
      if (service?.entrypoint?.some((arg) => arg.startsWith('--env-file=')))
        for (const key of localKeyNames()) if (key in schema.properties) provided.add(key);
      expect(problems(schema, provided)).toEqual({ missing: [], unknown: [] });
    },
  );
});

describe.each(overlays)('overlay %s', (overlay) => {
  const objects = renderOverlay(overlay);
  const deployables = Object.keys(CONFIG_MODULES).filter((name) =>
    objects.some((o) => o.kind === 'Deployment' && o.metadata.name === name),
  );

  it.each(deployables)('%s gets what its config needs, nothing unknown', async (name) => {
    expect(problems(await schemaOf(name), providedByDeployment(objects, name))).toEqual({
      missing: [],
      unknown: [],
    });
  });

  it('declares exactly the platform’s topics, if it declares any', () => {
    const topics = objects
      .filter((o) => o.kind === 'KafkaTopic')
      .map((o) => (o.spec as { topicName: string }).topicName);
    if (topics.length > 0) expect(topics.sort()).toEqual([...allTopics].sort());
  });
});

describe('the cross-check itself', () => {
  it('names a missing variable and an unknown one', async () => {
    const provided = new Set([
      'PORT',
      'DATABASE_URL',
      'AUTH_JWKS_URL',
      'REDIS_URL',
      'ORDER_CACHE_TTL',
    ]);
    expect(problems(await schemaOf('order'), provided)).toEqual({
      missing: [],
      unknown: ['ORDER_CACHE_TTL'],
    });
    expect(problems(await schemaOf('payment'), new Set(['PORT'])).missing).toContain(
      'PROVIDER_URL',
    );
  });
});

// The clock routes let an admin move billing's time (renewals, dunning): tests only.
describe("billing's test clock", () => {
  it('is off in docker-compose.yml unless asked for', () => {
    // ${BILLING_TEST_CLOCK:-false}, read as YAML reads the default: a boolean.
    expect(readCompose().services.billing?.environment?.BILLING_TEST_CLOCK).toBe(false);
  });

  it.each(overlays)('is off in overlay %s', (overlay) => {
    const objects = renderOverlay(overlay);
    expect(providedByDeployment(objects, 'billing').has('BILLING_TEST_CLOCK')).toBe(true);
    const config = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === 'billing-config',
    );
    expect(config?.data?.BILLING_TEST_CLOCK).toBe('false');
    const deployment = objects.find(
      (o) => o.kind === 'Deployment' && o.metadata.name === 'billing',
    )!;
    const env = deployment.spec!.template!.spec!.containers[0]!.env ?? [];
    expect(env.filter((e) => e.name === 'BILLING_TEST_CLOCK')).toEqual([]);
  });
});
