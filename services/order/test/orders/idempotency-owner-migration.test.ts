import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '@switchyard/db';
import { prepareTestDatabase, queryDb } from '@switchyard/testing';
import { createDb } from '../../src/db.js';
import { claimIdempotencyKey } from '../../src/orders/idempotency.js';
import { serviceDir } from '../support.js';

const migrationsDir = path.join(serviceDir, 'prisma/migrations');
const OWNER_MIGRATION = '20261215000000_idempotency_key_owner';

/**
 * The owner column arrives on a live table: adding it must not rewrite idempotency_keys (a
 * rewrite holds ACCESS EXCLUSIVE, stopping every order placement for as long as it takes), and
 * a claim made before it — by a replica of the previous version, mid-rollout — must still be
 * taken over once its hold lapses.
 */
describe('the idempotency-key owner migration', () => {
  it('adds the owner without rewriting the table, and keys claimed before it stay usable', async () => {
    const before = await mkdtemp(path.join(os.tmpdir(), 'order-migrations-'));
    try {
      for (const name of (await readdir(migrationsDir)).filter((n) => n < OWNER_MIGRATION))
        await cp(path.join(migrationsDir, name), path.join(before, name), { recursive: true });
      const url = await prepareTestDatabase('order', before);
      const userId = randomUUID();
      await queryDb(
        url,
        `INSERT INTO idempotency_keys (user_id, key, request_hash, state, locked_until, expires_at)
         VALUES ($1, 'stalled', 'h', 'in_progress', now() - interval '1 minute', now() + interval '1 day')`,
        [userId],
      );
      const storage = () =>
        queryDb<{ relfilenode: number }>(
          url,
          `SELECT relfilenode FROM pg_class WHERE relname = 'idempotency_keys'`,
        );
      const [file] = await storage();

      await migrate({ databaseUrl: url, migrationsDir });
      expect(await storage()).toEqual([file]);

      const db = createDb(url);
      try {
        const claim = await claimIdempotencyKey(db, {
          userId,
          key: 'stalled',
          hash: 'h',
          lockMs: 60_000,
        });
        expect(claim).toEqual({ held: expect.objectContaining({ owner: expect.any(String) }) });
      } finally {
        await db.$disconnect();
      }
    } finally {
      await rm(before, { recursive: true, force: true });
    }
  });
});
