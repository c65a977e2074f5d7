// Every database is backed up, through the Barman Cloud plugin (CloudNativePG 1.26 deprecated
// the built-in barmanObjectStore): each Cluster archives its WAL to an ObjectStore the overlay
// renders, under a server name no other cluster writes, and has one daily base backup taken
// by the plugin. The restore overlay's own checks are in restore-overlay.test.ts.
import { overlays, renderOverlay, type K8sObject } from './manifests.js';

const BARMAN_CLOUD = 'barman-cloud.cloudnative-pg.io';

interface Plugin {
  name: string;
  isWALArchiver?: boolean;
  parameters?: Record<string, string>;
}
interface ClusterSpec {
  backup?: Record<string, unknown>;
  plugins?: Plugin[];
  externalClusters?: { name: string; barmanObjectStore?: unknown; plugin?: Plugin }[];
}

describe.each(overlays.filter((o) => o.startsWith('production')))('overlay %s', (overlay) => {
  const objects = renderOverlay(overlay);
  const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const clusters = ofKind('Cluster');
  const stores = new Map(ofKind('ObjectStore').map((o) => [o.metadata.name, o]));
  const specOf = (o: K8sObject) => o.spec as unknown as ClusterSpec;
  const archiverOf = (o: K8sObject) =>
    specOf(o).plugins?.find((p) => p.name === BARMAN_CLOUD && p.isWALArchiver);

  it('has a database cluster for each service that owns one', () => {
    expect(clusters.length).toBeGreaterThanOrEqual(4);
  });

  it.each(clusters.map((c) => [c.metadata.name, c] as const))(
    '%s archives its WAL through the Barman Cloud plugin, never the deprecated built-in store',
    (_name, cluster) => {
      const spec = specOf(cluster);
      expect(spec.backup?.barmanObjectStore).toBeUndefined();
      expect(
        (spec.externalClusters ?? []).filter((c) => c.barmanObjectStore !== undefined),
      ).toEqual([]);
      const archiver = archiverOf(cluster);
      expect(archiver).toBeDefined();
      const store = stores.get(archiver!.parameters?.barmanObjectName ?? '');
      expect(store).toBeDefined();
      // Retention is the store's in the plugin: a store without one keeps every backup forever.
      expect((store!.spec as { retentionPolicy?: string }).retentionPolicy).toMatch(/^\d+[dwm]$/);
    },
  );

  it('gives every cluster an archive of its own (store destination and server name)', () => {
    const archives = clusters.map((c) => {
      const { barmanObjectName, serverName } = archiverOf(c)!.parameters!;
      const { destinationPath } = (
        stores.get(barmanObjectName!)!.spec as { configuration: { destinationPath: string } }
      ).configuration;
      return `${destinationPath}/${serverName ?? c.metadata.name}`;
    });
    expect(new Set(archives).size).toBe(clusters.length);
  });

  it.each(clusters.map((c) => [c.metadata.name] as const))(
    '%s has one scheduled base backup, taken by the plugin',
    (name) => {
      const scheduled = ofKind('ScheduledBackup').filter(
        (o) => (o.spec as { cluster: { name: string } }).cluster.name === name,
      );
      expect(scheduled).toHaveLength(1);
      expect(scheduled[0]!.spec).toMatchObject({
        method: 'plugin',
        pluginConfiguration: { name: BARMAN_CLOUD },
      });
    },
  );

  it('renders no ObjectStore that no cluster uses', () => {
    const used = new Set(
      clusters.flatMap((c) => [
        ...(specOf(c).plugins ?? []).map((p) => p.parameters?.barmanObjectName),
        ...(specOf(c).externalClusters ?? []).map((e) => e.plugin?.parameters?.barmanObjectName),
      ]),
    );
    expect([...stores.keys()].filter((name) => !used.has(name))).toEqual([]);
  });
});
