// The restore overlay (k8s/overlays/production-restore, with k8s/components/restore-order-db):
// what docs/deploy.md's restore runbook applies. Its objects are validated against their schemas
// with every overlay (schemas.test.ts, policy.test.ts, configuration.test.ts). Here: the recovery
// names the database and owner the backup holds, reads order-db's archive and never writes into
// it, order reads the restored cluster's secret, nothing else of production changes, and the
// restored cluster's pods get the connections they need and no others (the NetworkPolicy model).
import { renderOverlay, type Container, type K8sObject } from './manifests.js';
import {
  decide,
  type Connection,
  type Endpoint,
  type Network,
  type Protocol,
} from './network-policy-model.js';
import { productionNetwork } from './production-network.js';

const SERVICE = 'order';
const SOURCE = 'order-db';
const RESTORED = 'order-db-restored';
const OTHER_SERVICES = ['auth', 'payment', 'notification', 'billing', 'gateway'];

const production = renderOverlay('production');
const restore = renderOverlay('production-restore');
const keyOf = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
const find = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} rendered`);
  return found;
};

interface ObjectStore {
  destinationPath: string;
  serverName?: string;
}
interface Plugin {
  name: string;
  isWALArchiver?: boolean;
  parameters?: Record<string, string>;
}
interface ClusterSpec {
  bootstrap: {
    initdb?: { database: string; owner: string };
    recovery?: { source: string; database?: string; owner?: string };
  };
  externalClusters?: { name: string; barmanObjectStore?: ObjectStore; plugin?: Plugin }[];
  backup?: { barmanObjectStore?: ObjectStore };
  plugins?: Plugin[];
  inheritedMetadata?: { labels?: Record<string, string> };
}
const specOf = (name: string, objects = restore) =>
  find(objects, 'Cluster', name).spec as unknown as ClusterSpec;

// Where a cluster's WAL and base backups live, for the built-in barmanObjectStore and for the
// Barman Cloud plugin alike: the destination, then the server name (the cluster's name by
// default). The plugin's parameters name an ObjectStore, whose configuration holds the
// destination: two stores on one bucket path are one archive.
const BARMAN_CLOUD = 'barman-cloud.cloudnative-pg.io';
const destinationOf = (storeName: string | undefined) =>
  storeName === undefined
    ? undefined
    : (find(restore, 'ObjectStore', storeName).spec as { configuration: ObjectStore }).configuration
        .destinationPath;
const archiveOf = (store: ObjectStore | undefined, plugin: Plugin | undefined, name: string) => {
  if (store) return `${store.destinationPath}/${store.serverName ?? name}`;
  if (plugin?.name === BARMAN_CLOUD) {
    const { barmanObjectName, serverName } = plugin.parameters ?? {};
    return `${destinationOf(barmanObjectName)}/${serverName ?? name}`;
  }
  return undefined;
};
const archiveWrittenBy = (name: string) => {
  const spec = specOf(name);
  return archiveOf(
    spec.backup?.barmanObjectStore,
    spec.plugins?.find((p) => p.isWALArchiver),
    name,
  );
};

describe('the restore overlay (production-restore)', () => {
  const restored = specOf(RESTORED);
  const source = specOf(SOURCE);

  it(`recovers ${SOURCE} into a new cluster, naming the database and owner the backup holds`, () => {
    expect(restored.bootstrap.initdb).toBeUndefined();
    expect(restored.bootstrap.recovery?.source).toBe(SOURCE);
    // Without them the operator assumes app/app and its secret names a database that is not there.
    expect(restored.bootstrap.recovery?.database).toBe(source.bootstrap.initdb!.database);
    expect(restored.bootstrap.recovery?.owner).toBe(source.bootstrap.initdb!.owner);
  });

  it(`reads the archive ${SOURCE} writes`, () => {
    const external = restored.externalClusters?.find((c) => c.name === SOURCE);
    expect(external).toBeDefined();
    const read = archiveOf(external!.barmanObjectStore, external!.plugin, external!.name);
    expect(read).toBeDefined();
    expect(read).toBe(archiveWrittenBy(SOURCE));
  });

  it('archives to an archive of its own from the start, never into the source’s', () => {
    expect(archiveWrittenBy(RESTORED)).toBeDefined();
    expect(archiveWrittenBy(RESTORED)).not.toBe(archiveWrittenBy(SOURCE));
    const scheduled = restore.filter(
      (o) =>
        o.kind === 'ScheduledBackup' &&
        (o.spec as { cluster: { name: string } }).cluster.name === RESTORED,
    );
    expect(scheduled).toHaveLength(1);
  });

  it(`labels its pods as ${SERVICE}'s database, like ${SOURCE}`, () => {
    expect(restored.inheritedMetadata?.labels).toEqual(source.inheritedMetadata?.labels);
  });

  it(`points ${SERVICE}'s migrations and service at the restored cluster's application secret`, () => {
    const pod = find(restore, 'Deployment', SERVICE).spec!.template!.spec!;
    const secretOf = (c: Container) =>
      (
        c.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom as {
          secretKeyRef: { name: string; key: string };
        }
      ).secretKeyRef;
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      expect(secretOf(container)).toEqual({ name: `${RESTORED}-app`, key: 'uri' });
    }
  });

  it(`keeps ${SERVICE} stopped while it is restored: 0 replicas, KEDA paused at 0`, () => {
    expect(find(restore, 'Deployment', SERVICE).spec!.replicas).toBe(0);
    const scaled = find(restore, 'ScaledObject', SERVICE);
    expect(scaled.metadata).toMatchObject({
      annotations: { 'autoscaling.keda.sh/paused-replicas': '0' },
    });
    const { annotations: _paused, ...rest } = scaled.metadata as { annotations?: unknown };
    expect({ ...scaled, metadata: rest }).toEqual(find(production, 'ScaledObject', SERVICE));
  });

  it(`changes nothing else production renders, and adds only ${RESTORED}'s objects`, () => {
    const restoreByKey = new Map(restore.map((o) => [keyOf(o), o]));
    for (const object of production) {
      if ([`Deployment/${SERVICE}`, `ScaledObject/${SERVICE}`].includes(keyOf(object))) continue;
      expect([keyOf(object), restoreByKey.get(keyOf(object))]).toEqual([keyOf(object), object]);
    }
    const productionKeys = new Set(production.map(keyOf));
    expect(
      restore
        .map(keyOf)
        .filter((k) => !productionKeys.has(k))
        .sort(),
    ).toEqual([
      `Cluster/${RESTORED}`,
      `NetworkPolicy/${RESTORED}`,
      `ScheduledBackup/${RESTORED}-daily`,
    ]);
  });
});

describe('the restored cluster’s network (NetworkPolicy model)', () => {
  const world = productionNetwork(restore);
  const pod = (name: string) => {
    const found = world.pods.find((p) => p.name === name);
    if (!found) throw new Error(`no pod ${name} in the model`);
    return found;
  };
  const address = (key: string) => world.addresses[key]!;
  const broker = world.pods.find((p) => p.labels['strimzi.io/name'] === 'switchyard-kafka')!.name;

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
  const primary = `${RESTORED}-1`;
  const replica = `${RESTORED}-2`;
  const join = `${RESTORED}-3-join`;
  const recoveryJob = `${RESTORED}-1-full-recovery`;

  const required: Flow[] = [
    flow(`${SERVICE} → the restored primary`, SERVICE, primary, 5432),
    flow(`${SERVICE} → the restored replica`, SERVICE, replica, 5432),
    flow(
      'recovery job → object storage (base backup, WAL)',
      recoveryJob,
      address('object-storage'),
      443,
    ),
    flow('recovery job → Kubernetes API', recoveryJob, address('kubernetes-api'), 443),
    flow('recovery job → DNS', recoveryJob, 'kube-dns', 53, 'UDP'),
    flow('restored replica → primary (streaming)', replica, primary, 5432),
    flow('restored primary → replica (isolation check)', primary, replica, 8000),
    flow('restored joining replica → primary (pg_basebackup)', join, primary, 5432),
    flow('restored join job → Kubernetes API', join, address('kubernetes-api'), 443),
    flow(
      'restored primary → object storage (its own WAL)',
      primary,
      address('object-storage'),
      443,
    ),
    flow('restored primary → Kubernetes API', primary, address('kubernetes-api'), 6443),
    flow('restored primary → DNS', primary, 'kube-dns', 53, 'UDP'),
    flow('CloudNativePG operator → restored status', 'cnpg-operator', replica, 8000),
    flow('CloudNativePG operator → restored PostgreSQL', 'cnpg-operator', primary, 5432),
    flow('Prometheus → restored metrics', 'prometheus', primary, 9187),
    // The rest of production still runs alongside.
    flow(`${SERVICE} → ${SOURCE} (until it is deleted)`, SERVICE, `${SOURCE}-1`, 5432),
    flow('payment → its database', 'payment', 'payment-db-1', 5432),
  ];
  const forbidden: Flow[] = [
    ...OTHER_SERVICES.map((s) => flow(`${s} → the restored database`, s, primary, 5432)),
    flow(`${SOURCE} → the restored cluster`, `${SOURCE}-1`, primary, 5432),
    flow(`the restored cluster → ${SOURCE}`, replica, `${SOURCE}-1`, 5432),
    flow(`${SOURCE} → the restored status port`, `${SOURCE}-1`, replica, 8000),
    flow(`recovery job → ${SOURCE}`, recoveryJob, `${SOURCE}-1`, 5432),
    flow('recovery job → Kafka', recoveryJob, broker, 9092),
    flow('the restored cluster → Kafka', primary, broker, 9092),
    flow(`the restored cluster → the ${SERVICE} service`, primary, SERVICE, 4002),
    flow(
      'the restored cluster → the cloud metadata service',
      primary,
      address('metadata-service'),
      80,
    ),
    flow('a pod no policy names → the restored database', 'debug-shell', primary, 5432),
    flow('a pod of another namespace → the restored database', 'stranger', primary, 5432),
    flow('another monitoring pod → restored metrics', 'grafana', primary, 9187),
  ];
  const allowed = (network: Network, f: Flow) => decide(network, f).allowed;
  const explain = (f: Flow) => {
    const d = decide(world, f);
    return `${f.what}: ${d.allowed ? 'allowed' : 'denied'} — egress: ${d.egress}; ingress: ${d.ingress}`;
  };

  it.each(required.map((f) => [f.what, f] as const))('allows %s', (_what, f) => {
    expect(explain(f)).toMatch(/: allowed —/);
  });

  it.each(forbidden.map((f) => [f.what, f] as const))('denies %s', (_what, f) => {
    expect(explain(f)).toMatch(/: denied —/);
  });

  it(`needs the policy ${RESTORED}: without it the restored cluster is cut off`, () => {
    const without = {
      ...world,
      policies: world.policies.filter((p) => p.metadata.name !== RESTORED),
    };
    expect(required.filter((f) => !allowed(world, f))).toEqual([]);
    expect(required.filter((f) => !allowed(without, f)).map((f) => f.what)).toEqual(
      expect.arrayContaining([
        `${SERVICE} → the restored primary`,
        'restored replica → primary (streaming)',
        'CloudNativePG operator → restored status',
      ]),
    );
  });

  it('has every pod of the restored cluster in its table of required connections', () => {
    const inTable = new Set(
      required.flatMap((f) => [f.from.name, 'namespace' in f.to ? f.to.name : '']),
    );
    const restoredPods = world.pods.filter((p) => p.labels['cnpg.io/cluster'] === RESTORED);
    expect(restoredPods.map((p) => p.name).sort()).toEqual(
      [primary, replica, join, recoveryJob].sort(),
    );
    expect(restoredPods.map((p) => p.name).filter((n) => !inTable.has(n))).toEqual([]);
  });
});
