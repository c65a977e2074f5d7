import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { migrate, seed } from '@switchyard/db';
import { prepareTestDatabase, queryDb } from '@switchyard/testing';
import { demoCatalogSeed, LANTERN, MUG, serviceDir } from '../support.js';

const migrationsDir = path.join(serviceDir, 'prisma/migrations');
const DEMO_SKUS = ['BOOK-001', 'LAMP-001', 'MAP-001', 'MUG-001', 'TEE-001'];

/**
 * Demo products are a local stack's, loaded by a seed step; a migration never creates them, so
 * a production database starts with an empty catalog. A database that ran the init migration
 * when it still seeded them loses the ones nobody used, and keeps the ones that became real.
 */
describe('the demo catalog', () => {
  const skus = async (url: string) =>
    (await queryDb<{ sku: string }>(url, 'SELECT sku FROM products ORDER BY sku')).map(
      (p) => p.sku,
    );
  /** Products whose stock is not the sum of their movements (there must be none). */
  const unbalanced = (url: string) =>
    queryDb(
      url,
      `SELECT p.id FROM products p LEFT JOIN stock_movements m ON m.product_id = p.id
        GROUP BY p.id, p.stock HAVING p.stock <> coalesce(sum(m.delta), 0)`,
    );

  it('is not in a freshly migrated database', async () => {
    const url = await prepareTestDatabase('order', migrationsDir);
    expect(await skus(url)).toEqual([]);
  });

  it('is loaded by the seed step, once however often it runs, stock matching its movements', async () => {
    const url = await prepareTestDatabase('order', migrationsDir);
    await seed({ databaseUrl: url, seedFiles: [demoCatalogSeed] });
    await queryDb(url, `UPDATE products SET price_minor = 1300 WHERE id = $1`, [MUG]);
    await seed({ databaseUrl: url, seedFiles: [demoCatalogSeed] });
    expect(await skus(url)).toEqual(DEMO_SKUS);
    const [mug] = await queryDb<{ price_minor: number }>(
      url,
      'SELECT price_minor FROM products WHERE id = $1',
      [MUG],
    );
    expect(mug!.price_minor).toBe(1300); // what exists is never overwritten
    expect(await queryDb(url, 'SELECT 1 FROM stock_movements')).toHaveLength(5);
    expect(await unbalanced(url)).toEqual([]);
  });

  it('leaves a database migrated before, keeping only the demo products that were used', async () => {
    // A database as every one was before: migrated while init still seeded the catalog.
    const before = await mkdtemp(path.join(os.tmpdir(), 'order-migrations-'));
    try {
      for (const name of (await readdir(migrationsDir)).filter((n) => n < '20261215')) {
        await cp(path.join(migrationsDir, name), path.join(before, name), { recursive: true });
      }
      const url = await prepareTestDatabase('order', before);
      expect(await skus(url)).toEqual(DEMO_SKUS);
      // Someone ordered a mug, and an admin changed the lantern's price: those are real now.
      const orderId = randomUUID();
      await queryDb(
        url,
        `WITH o AS (
           INSERT INTO orders (id, user_id, status, total_minor, currency, payment_method)
           VALUES ($1, $2, 'pending_payment', 1250, 'EUR', 'pm_card_visa') RETURNING id
         ), l AS (
           INSERT INTO order_lines (id, order_id, product_id, name, quantity, unit_price_minor)
           SELECT gen_random_uuid(), id, $3, 'Switchyard enamel mug', 1, 1250 FROM o
         ), m AS (
           INSERT INTO stock_movements (id, product_id, order_id, delta, reason)
           SELECT gen_random_uuid(), $3, id, -1, 'reserved' FROM o
         )
         UPDATE products SET stock = stock - 1, updated_at = now() WHERE id = $3`,
        [orderId, randomUUID(), MUG],
      );
      await queryDb(
        url,
        `UPDATE products SET price_minor = 9900, updated_at = now() WHERE id = $1`,
        [LANTERN],
      );

      // Its next deploy applies the rest; init's recorded checksum still matches.
      await migrate({ databaseUrl: url, migrationsDir });
      expect(await skus(url)).toEqual(['LAMP-001', 'MUG-001']);
      expect(
        await queryDb(url, 'SELECT 1 FROM order_lines WHERE order_id = $1', [orderId]),
      ).toHaveLength(1);
      expect(await unbalanced(url)).toEqual([]);
    } finally {
      await rm(before, { recursive: true, force: true });
    }
  });
});
