import path from 'node:path';
import { loadConfig } from '@switchyard/service-kit';
import { queryDb, startServiceUnderTest } from '@switchyard/testing';
import { buildApp } from '../../src/app.js';
import { OrderConfig } from '../../src/config.js';
import { serviceDir } from '../support.js';

/**
 * A replica whose code is newer than its database's schema (the migration step has not run
 * yet in a rolling deploy) must stay out of rotation: not ready, saying why.
 */
describe('order service against a schema older than its code', () => {
  let service: Awaited<
    ReturnType<typeof startServiceUnderTest<Awaited<ReturnType<typeof buildApp>>>>
  >;

  beforeAll(async () => {
    service = await startServiceUnderTest({
      service: 'order',
      migrationsDir: path.join(serviceDir, 'prisma/migrations'),
      build: (env) => buildApp(loadConfig(OrderConfig, env)),
    });
  });
  afterAll(async () => {
    await service.close();
  });

  const latestMigration = `(SELECT max(migration_name) FROM _prisma_migrations)`;

  it('is not ready until the newest migration is applied', async () => {
    await queryDb(
      service.ctx.databaseUrl,
      `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = ${latestMigration}`,
    );
    const behind = await service.app.inject({ url: '/readyz' });
    expect(behind.statusCode).toBe(503);
    expect(behind.json().checks.schema).toBe('unavailable');

    await queryDb(service.ctx.databaseUrl, 'UPDATE _prisma_migrations SET rolled_back_at = NULL');
    const current = await service.app.inject({ url: '/readyz' });
    expect(current.statusCode).toBe(200);
    expect(current.json().checks.schema).toBe('ok');
  });
});
