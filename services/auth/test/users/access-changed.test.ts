import { queryDb } from '@switchyard/testing';
import { createDb } from '../../src/db.js';
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
});
