import path from 'node:path';
import { findSchemaDrift } from '@switchyard/db';
import { undocumentedRoutes } from '@switchyard/service-kit';
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

  it('refuses to start with a tax table it cannot read, naming the variable', async () => {
    await expect(
      startBillingService({ BILLING_TAX_RATES: 'DE:standard=nineteen' }),
    ).rejects.toThrow(/BILLING_TAX_RATES/);
  });
});
