import { queryDb } from '@switchyard/testing';
import { createDb } from '../../src/db.js';
import { announceExistingStaff } from '../../src/users/announce-existing-staff.js';
import { grantRole } from '../../src/users/grant-role.js';
import { startAuthService } from '../support.js';
import { signUp } from '../support-users.js';

/** user.access_changed: how the notification service learns who the admins are. */
describe('user.access_changed', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;
  let db: ReturnType<typeof createDb>;

  beforeAll(async () => {
    service = await startAuthService();
    db = createDb(service.ctx.databaseUrl);
  });
  afterAll(async () => {
    await db.$disconnect();
    await service.close();
  });

  const announced = async (userId: string) =>
    (
      await queryDb<{ payload: string }>(
        service.ctx.databaseUrl,
        `SELECT payload FROM outbox_events WHERE event_type = 'user.access_changed'
          AND message_key = $1 ORDER BY seq`,
        [userId],
      )
    ).map((r) => JSON.parse(r.payload));

  it('is published with each change of roles or of the disabled flag, in its transaction', async () => {
    const admin = await signUp(service.app, service.ctx.databaseUrl, { admin: true });
    const user = await signUp(service.app, service.ctx.databaseUrl);
    const patch = (payload: object) =>
      service.app.inject({
        method: 'PATCH',
        url: `/v1/auth/admin/users/${user.id}`,
        headers: { authorization: `Bearer ${admin.accessToken}` },
        payload,
      });
    expect((await patch({ roles: ['customer', 'admin'] })).statusCode).toBe(200);
    expect((await patch({ roles: ['customer', 'admin'] })).statusCode).toBe(200); // no change
    expect((await patch({ disabled: true })).statusCode).toBe(200);
    expect(await announced(user.id)).toEqual([
      { userId: user.id, roles: ['customer', 'admin'], disabled: false },
      { userId: user.id, roles: ['customer', 'admin'], disabled: true },
    ]);
  });

  it('is published by the grant-role command, also for an admin who already was one', async () => {
    const user = await signUp(service.app, service.ctx.databaseUrl);
    const by = { actor: { type: 'system' as const, id: 'cli:test' } };
    await grantRole(db, { email: user.email, role: 'admin', by });
    await grantRole(db, { email: user.email, role: 'admin', by });
    expect(await announced(user.id)).toEqual([
      { userId: user.id, roles: ['customer', 'admin'], disabled: false },
      { userId: user.id, roles: ['customer', 'admin'], disabled: false },
    ]);
  });

  it('is published once for each admin the migration queued, however many replicas start', async () => {
    const admin = await signUp(service.app, service.ctx.databaseUrl, { admin: true });
    const before = (await announced(admin.id)).length;
    // What migration 20261204040000 does for an admin made before the event existed.
    await queryDb(
      service.ctx.databaseUrl,
      `INSERT INTO access_announcements_due (user_id) SELECT id FROM users WHERE id = $1`,
      [admin.id],
    );
    const counts = await Promise.all([1, 2, 3].map(() => announceExistingStaff(db)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect((await announced(admin.id)).slice(before)).toEqual([
      { userId: admin.id, roles: ['customer', 'admin'], disabled: false },
    ]);
    expect(await announceExistingStaff(db)).toBe(0);
  });
});
