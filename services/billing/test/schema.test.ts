import path from 'node:path';
import { findSchemaDrift } from '@switchyard/db';
import { undocumentedRoutes } from '@switchyard/service-kit';
import { startServiceUnderTest } from '@switchyard/testing';
import { serviceDir, startBillingService, type BillingService } from './support.js';

describe('the billing service', () => {
  let service: BillingService;
  beforeAll(async () => {
    service = await startBillingService({ BILLING_TEST_CLOCK: 'true' });
  }, 60_000);
  afterAll(() => service?.close());

  it('has a migrated database that matches schema.prisma', async () => {
    const drift = await findSchemaDrift({
      schemaPath: path.join(serviceDir, 'prisma/schema.prisma'),
      databaseUrl: service.ctx.databaseUrl,
    });
    expect(drift).toEqual([]);
  });

  it('documents every route it serves in its OpenAPI document', () => {
    expect(undocumentedRoutes(service.app)).toEqual([]);
  });
});

// Its own block: starting a service prepares (wipes) the test database, which must not happen
// under the running service above (that raced its start-up work into a deadlock).
describe('the billing service with a tax table it cannot read', () => {
  // A start that fails before the service is built (here its test database cannot be
  // migrated) used to leave the JWKS server listening, and jest then never exited: CI waited
  // for its timeout.
  it('leaves no server open when its test database cannot be prepared', async () => {
    const servers = () =>
      process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const before = servers();
    await expect(
      startServiceUnderTest({
        service: 'billing',
        migrationsDir: path.join(serviceDir, 'no-such-migrations'),
        build: async () => ({ ready: () => undefined, close: () => undefined }),
      }),
    ).rejects.toThrow();
    expect(servers()).toBe(before);
  });

  it('refuses to start, naming the variable', async () => {
    await expect(
      startBillingService({ BILLING_TAX_RATES: 'DE:standard=nineteen' }),
    ).rejects.toThrow(/BILLING_TAX_RATES/);
  });
});
