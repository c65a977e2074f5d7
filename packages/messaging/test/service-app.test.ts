import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServiceApp, type ServiceAppConfig } from '../src/service-app.js';

/**
 * What createServiceApp wires, on a real Fastify app, a real Redis and a real broker address.
 * The database is a stand-in that answers the readiness queries and records its disconnect:
 * this is the wiring on its own, not an integration test (each service's tests run the same
 * wiring against its real database).
 */
describe('createServiceApp', () => {
  const MIGRATION = '20260101000000_init';
  let migrations: string;

  beforeAll(async () => {
    migrations = await mkdtemp(join(tmpdir(), 'service-app-'));
    await mkdir(join(migrations, MIGRATION));
  });
  afterAll(async () => {
    await rm(migrations, { recursive: true, force: true });
  });

  const config: ServiceAppConfig = {
    LOG_LEVEL: 'silent',
    REDIS_URL: 'redis://127.0.0.1:6379/15',
    AUTH_ISSUER: 'switchyard-auth',
    AUTH_AUDIENCE: 'switchyard-api',
    AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    KAFKA_NAMESPACE: `service-app-${process.pid}`,
  };

  function standInDb(applied: string[]) {
    const log: string[] = [];
    return {
      log,
      async $queryRawUnsafe<T = unknown>(sql: string): Promise<T> {
        if (sql === 'SELECT 1') log.push('SELECT 1');
        const rows = sql.includes('_prisma_migrations')
          ? applied.map((name) => ({ migration_name: name }))
          : [];
        return rows as T;
      },
      async $executeRawUnsafe() {
        return 0;
      },
      async $transaction<R>(fn: (tx: unknown) => Promise<R>): Promise<R> {
        return fn(this);
      },
      async $disconnect() {
        log.push('db disconnect');
      },
    };
  }

  const options = (db: ReturnType<typeof standInDb>) => ({
    service: 'kit-test',
    config,
    db,
    migrationsDir: pathToFileURL(`${migrations}/`),
  });

  it('is ready once Postgres answers and every shipped migration is applied', async () => {
    const db = standInDb([MIGRATION]);
    const app = await createServiceApp({
      ...options(db),
      build: () => ({ routes: async () => {} }),
    });
    const response = await app.inject('/readyz');
    expect(response.statusCode).toBe(200);
    expect(response.json().checks).toMatchObject({ postgres: 'ok', schema: 'ok' });
    expect(response.json().checks).toHaveProperty('kafka');
    expect(db.log).toContain('SELECT 1');
    await app.close();
  });

  it('is not ready while the database lacks a migration this code ships', async () => {
    const db = standInDb([]);
    const app = await createServiceApp({
      ...options(db),
      build: () => ({ routes: async () => {} }),
    });
    const response = await app.inject('/readyz');
    expect(response.statusCode).toBe(503);
    expect(response.json().checks).toMatchObject({ postgres: 'ok', schema: 'unavailable' });
    await app.close();
  });

  it('adds the dead-letter routes for a consuming service only', async () => {
    const consuming = await createServiceApp({
      ...options(standInDb([MIGRATION])),
      build: () => ({ consume: { topics: [], handlers: {} }, routes: async () => {} }),
    });
    const producing = await createServiceApp({
      ...options(standInDb([MIGRATION])),
      build: () => ({ routes: async () => {} }),
    });
    const route = { method: 'GET' as const, url: '/v1/admin/dead-letters/kit-test' };
    expect(consuming.hasRoute(route)).toBe(true);
    expect(producing.hasRoute(route)).toBe(false);
    await consuming.close();
    await producing.close();
  });

  it('registers the service routes behind token verification', async () => {
    const app = await createServiceApp({
      ...options(standInDb([MIGRATION])),
      build: (app) => ({
        routes: async () => {
          app.get('/v1/things', { onRequest: app.authenticate }, async () => ({ ok: true }));
        },
      }),
    });
    const response = await app.inject('/v1/things');
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(app.hasDecorator('messaging')).toBe(true);
    expect(app.hasDecorator('db')).toBe(true);
    await app.close();
  });

  it('stops its jobs, then messaging, then what the handlers fed, and the database last', async () => {
    const db = standInDb([MIGRATION]);
    const app = await createServiceApp({
      ...options(db),
      build: () => ({
        tasks: [{ start: () => {}, stop: async () => void db.log.push('task stop') }],
        afterStop: () => void db.log.push('afterStop'),
        routes: async () => {},
      }),
    });
    await app.ready();
    await app.close();
    expect(db.log.filter((entry) => entry !== 'SELECT 1')).toEqual([
      'task stop',
      'afterStop',
      'db disconnect',
    ]);
  });

  it('closes what it opened when the service cannot build its parts', async () => {
    const db = standInDb([MIGRATION]);
    await expect(
      createServiceApp({
        ...options(db),
        build: () => {
          throw new Error('no signing keys');
        },
      }),
    ).rejects.toThrow('no signing keys');
    expect(db.log).toEqual(['db disconnect']);
  });
});
