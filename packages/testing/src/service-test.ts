import {
  createKafkaNamespace,
  deleteKafkaNamespace,
  startKafka,
  TEST_FETCH_MAX_WAIT_ENV,
  testKafkaBrokers,
} from './kafka.js';
import { markDenylistSynced } from './denylist.js';
import { startJwksServer, type JwksServer } from './jwks-server.js';
import { prepareTestDatabase } from './test-database.js';

export interface ServiceTestContext {
  databaseUrl: string;
  namespace: string;
  jwks: JwksServer;
  /** Environment for the service's config loader: real Postgres, Kafka and a JWKS. */
  env: Record<string, string>;
  teardown(): Promise<void>;
}

/** Everything a service's integration tests need, all real: database, broker, token keys. */
export async function setupServiceTest(options: {
  service: string;
  migrationsDir: string;
  /** Demo data loaded after the migrations (e.g. the order service's demo catalog). */
  seedFiles?: string[];
  env?: Record<string, string>;
  /** Partitions per topic (3 by default); production's 12 where a test needs its concurrency. */
  kafkaPartitions?: number;
}): Promise<ServiceTestContext> {
  await startKafka();
  const [database, kafkaNamespace, jwksServer, denylist] = await Promise.allSettled([
    prepareTestDatabase(options.service, options.migrationsDir, options.seedFiles),
    createKafkaNamespace(undefined, options.kafkaPartitions),
    startJwksServer(),
    // The services trust the shared Redis's denylist only with auth's marker (no auth here).
    markDenylistSynced(),
  ]);
  const failed = [database, kafkaNamespace, jwksServer, denylist].find(
    (r): r is PromiseRejectedResult => r.status === 'rejected',
  );
  if (failed) {
    // What did start must stop again: an open JWKS server keeps jest from ever exiting.
    // Each cleanup on its own: one failing must neither skip the other nor hide the cause.
    if (jwksServer.status === 'fulfilled') await jwksServer.value.close().catch(() => {});
    if (kafkaNamespace.status === 'fulfilled') {
      await deleteKafkaNamespace(kafkaNamespace.value).catch(() => {});
    }
    throw failed.reason;
  }
  const databaseUrl = (database as PromiseFulfilledResult<string>).value;
  const namespace = (kafkaNamespace as PromiseFulfilledResult<string>).value;
  const jwks = (jwksServer as PromiseFulfilledResult<JwksServer>).value;
  return {
    databaseUrl,
    namespace,
    jwks,
    env: {
      PORT: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_NAMESPACE: namespace,
      CACHE_NAMESPACE: namespace,
      AUTH_JWKS_URL: jwks.url,
      AUTH_ISSUER: jwks.issuer,
      AUTH_AUDIENCE: jwks.audience,
      ...TEST_FETCH_MAX_WAIT_ENV,
      ...options.env,
    },
    async teardown() {
      await jwks.close();
      await deleteKafkaNamespace(namespace).catch(() => {});
    },
  };
}

export interface ServiceUnderTest<A> {
  app: A;
  ctx: ServiceTestContext;
  close(): Promise<void>;
}

/** Build a service's app on real infrastructure (see setupServiceTest) and make it ready. */
export async function startServiceUnderTest<
  A extends { ready(): unknown; close(): unknown },
>(options: {
  service: string;
  migrationsDir: string;
  seedFiles?: string[];
  env?: Record<string, string>;
  kafkaPartitions?: number;
  build: (env: Record<string, string>) => Promise<A>;
}): Promise<ServiceUnderTest<A>> {
  const ctx = await setupServiceTest(options);
  let app: A | undefined;
  try {
    app = await options.build(ctx.env);
    await app.ready();
  } catch (error) {
    // A service that refuses to start (a test may expect exactly that) must not leave the JWKS
    // server and the broker namespace open: jest would never exit.
    await app?.close();
    await ctx.teardown();
    throw error;
  }
  return {
    app,
    ctx,
    async close() {
      await app.close();
      await ctx.teardown();
    },
  };
}
