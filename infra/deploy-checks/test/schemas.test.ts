// Every object every overlay renders is valid against the real schema of its kind: the
// Kubernetes API's, and the CRDs of Strimzi, CloudNativePG, KEDA, prometheus-operator,
// External Secrets, the Gateway API and cert-manager, as published by the kubernetes-models
// packages; the Barman Cloud plugin's ObjectStore, which none publishes, by object-store-model.
import { overlays, renderOverlay, type K8sObject } from './manifests.js';
import { ObjectStore } from './object-store-model.js';

const PACKAGE_OF_GROUP: Record<string, string> = {
  '': 'kubernetes-models',
  apps: 'kubernetes-models',
  batch: 'kubernetes-models',
  policy: 'kubernetes-models',
  autoscaling: 'kubernetes-models',
  'networking.k8s.io': 'kubernetes-models',
  'kafka.strimzi.io': '@kubernetes-models/strimzi-kafka-operator',
  'postgresql.cnpg.io': '@kubernetes-models/cloudnative-pg',
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  'external-secrets.io': '@kubernetes-models/external-secrets',
  // Gateway API CRDs v1.5.1 (the package's generator pins sigs.k8s.io/gateway-api v1.5.1).
  'gateway.networking.k8s.io': '@kubernetes-models/gateway-api',
  'cert-manager.io': '@kubernetes-models/cert-manager',
};

interface Model {
  validate(): void;
}

const LOCAL_MODELS: Record<string, new (data: never) => Model> = {
  'barmancloud.cnpg.io/v1 ObjectStore': ObjectStore,
};

async function modelFor(object: K8sObject): Promise<new (data: unknown) => Model> {
  const local = LOCAL_MODELS[`${object.apiVersion} ${object.kind}`];
  if (local) return local as new (data: unknown) => Model;
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const pkg = PACKAGE_OF_GROUP[group!];
  if (!pkg) throw new Error(`no schema known for ${object.apiVersion} (${object.kind})`);
  const modulePath = group
    ? `${pkg}/${group}/${version}/${object.kind}`
    : `${pkg}/${version}/${object.kind}`;
  const module = (await import(modulePath)) as Record<string, new (data: unknown) => Model>;
  const model = module[object.kind];
  if (!model) throw new Error(`${modulePath} has no ${object.kind}`);
  return model;
}

/**
 * kustomize writes long base64 Secret values as wrapped YAML block scalars; the API server's
 * decoder skips the line breaks, so the schema's `byte` format is checked without them.
 */
function asDecoded(object: K8sObject): K8sObject {
  if (object.kind !== 'Secret' || !object.data) return object;
  const data = Object.fromEntries(
    Object.entries(object.data).map(([key, value]) => [key, value.replace(/\s+/g, '')]),
  );
  return { ...object, data };
}

describe.each(overlays)('overlay %s', (overlay) => {
  const objects = renderOverlay(overlay);

  it('renders', () => {
    expect(objects.length).toBeGreaterThan(20);
  });

  it.each(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o] as const))(
    '%s is valid against its schema',
    async (_name, object) => {
      const Model = await modelFor(object);
      expect(() => new Model(asDecoded(object)).validate()).not.toThrow();
    },
  );
});

describe('the schema check itself', () => {
  it('rejects an object that breaks its schema', async () => {
    const broken = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'broken' },
      spec: { replicas: 'two', selector: {}, template: { spec: { containers: [{}] } } },
    } as unknown as K8sObject;
    const Model = await modelFor(broken);
    expect(() => new Model(broken).validate()).toThrow();
  });

  it('rejects a broken HTTPRoute (a backend without a port, a path type that does not exist)', async () => {
    const broken = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'gateway' },
      spec: {
        parentRefs: [{ name: 'switchyard' }],
        rules: [
          {
            matches: [{ path: { type: 'Glob', value: '/' } }],
            backendRefs: [{ name: 'gateway', port: 'http' }],
          },
        ],
      },
    } as unknown as K8sObject;
    const Model = await modelFor(broken);
    expect(() => new Model(broken).validate()).toThrow();
  });

  it.each([
    ['a serverName in the store (the Cluster names it)', { serverName: 'order-db' }],
    ['a destination that is not a string', { destinationPath: 42 }],
    ['a compression barman-cloud does not know', { wal: { compression: 'zip' } }],
  ])('rejects a broken ObjectStore: %s', async (_why, change) => {
    const broken = {
      apiVersion: 'barmancloud.cnpg.io/v1',
      kind: 'ObjectStore',
      metadata: { name: 'order-db' },
      spec: {
        retentionPolicy: '30d',
        configuration: { destinationPath: 's3://switchyard-backups/order', ...change },
      },
    } as unknown as K8sObject;
    const Model = await modelFor(broken);
    expect(() => new Model(broken).validate()).toThrow();
  });

  it('rejects an ObjectStore whose retention is not like 30d', async () => {
    const store = (retentionPolicy: string) =>
      ({
        apiVersion: 'barmancloud.cnpg.io/v1',
        kind: 'ObjectStore',
        metadata: { name: 'order-db' },
        spec: { retentionPolicy, configuration: { destinationPath: 's3://b/order' } },
      }) as unknown as K8sObject;
    const Model = await modelFor(store('30d'));
    expect(() => new Model(store('30d')).validate()).not.toThrow();
    expect(() => new Model(store('30 days')).validate()).toThrow();
  });

  it('rejects a broken custom resource (a Strimzi topic without its spec types)', async () => {
    const broken = {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaTopic',
      metadata: { name: 'orders' },
      spec: { partitions: 'many' },
    } as unknown as K8sObject;
    const Model = await modelFor(broken);
    expect(() => new Model(broken).validate()).toThrow();
  });
});
