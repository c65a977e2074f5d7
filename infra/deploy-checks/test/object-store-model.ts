// The Barman Cloud plugin's ObjectStore (barmancloud.cnpg.io/v1), for schemas.test.ts: no
// kubernetes-models package publishes it. Its spec.configuration is barman-cloud's
// BarmanObjectStoreConfiguration, the same type as CloudNativePG's built-in
// Cluster.spec.backup.barmanObjectStore, so it is checked against the schema
// @kubernetes-models/cloudnative-pg publishes for that type. The plugin's own fields around it
// follow its CRD (plugin-barman-cloud v0.14.0): configuration required and without serverName
// (the Cluster's plugin parameter names the server), retentionPolicy like `30d`.
import { BarmanObjectStoreConfiguration } from '@kubernetes-models/cloudnative-pg/github.com/cloudnative-pg/barman-cloud/pkg/api';

const API_VERSION = 'barmancloud.cnpg.io/v1';
const SPEC_FIELDS = new Set(['configuration', 'retentionPolicy', 'instanceSidecarConfiguration']);
const RETENTION_POLICY = /^[1-9][0-9]*[dwm]$/;

interface ObjectStoreData {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: Record<string, unknown>;
}

export class ObjectStore {
  constructor(private readonly data: ObjectStoreData) {}

  validate(): void {
    const { apiVersion, kind, metadata, spec } = this.data;
    const fail: (why: string) => never = (why) => {
      throw new Error(`ObjectStore/${metadata?.name ?? '?'}: ${why}`);
    };
    if (apiVersion !== API_VERSION || kind !== 'ObjectStore')
      fail(`not ${API_VERSION} ObjectStore`);
    if (!metadata?.name) fail('metadata.name is required');
    if (!spec || typeof spec !== 'object') fail('spec is required');
    const unknown = Object.keys(spec).filter((key) => !SPEC_FIELDS.has(key));
    if (unknown.length) fail(`unknown spec fields: ${unknown.join(', ')}`);
    const configuration = spec.configuration as Record<string, unknown> | undefined;
    if (!configuration || typeof configuration !== 'object') fail('spec.configuration is required');
    // The schema decides what a configuration holds; the cast only lets it see this one.
    new BarmanObjectStoreConfiguration(
      configuration as unknown as ConstructorParameters<typeof BarmanObjectStoreConfiguration>[0],
    ).validate();
    if ('serverName' in configuration) {
      fail('spec.configuration.serverName is forbidden: use the Cluster plugin parameter');
    }
    const retention = spec.retentionPolicy;
    if (
      retention !== undefined &&
      !(typeof retention === 'string' && RETENTION_POLICY.test(retention))
    ) {
      fail(`spec.retentionPolicy ${JSON.stringify(retention)} is not like 30d, 4w or 6m`);
    }
  }
}
