import { randomUUID } from 'node:crypto';
import { createEvent } from '@switchyard/contracts';
import {
  publishEvent,
  queryDb,
  startSmtpCapture,
  waitFor,
  type SmtpCapture,
} from '@switchyard/testing';
import { closeAfterTests, startNotificationService } from '../support.js';

describe('in-app inbox', () => {
  let smtp: SmtpCapture;
  let service: Awaited<ReturnType<typeof startNotificationService>>;
  const userId = randomUUID();
  let headers: { authorization: string };

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    service = await startNotificationService(smtp.smtpUrl);
    headers = { authorization: `Bearer ${await service.ctx.jwks.sign({ userId })}` };
    await publishEvent(
      service.ctx.namespace,
      createEvent('user.registered', {
        source: 'auth',
        subject: userId,
        data: { userId, email: `${userId}@example.com`, name: 'Ivy' },
      }),
    );
    for (let i = 0; i < 4; i++) {
      const orderId = randomUUID();
      await publishEvent(
        service.ctx.namespace,
        createEvent('order.paid', {
          source: 'order',
          subject: orderId,
          data: {
            orderId,
            userId,
            paymentId: randomUUID(),
            total: { amount: 100 * (i + 1), currency: 'EUR' },
          },
        }),
      );
    }
    await waitFor(
      async () => (await get('/v1/notifications?limit=100')).json().items.length === 5,
      { what: 'five notifications' },
    );
  });
  afterAll(() => closeAfterTests(smtp, () => service?.close()));

  const get = (url: string, h = headers) => service.app.inject({ url, headers: h });
  const post = (url: string, h = headers) =>
    service.app.inject({ method: 'POST', url, headers: h });

  it('stores times at the precision of its cursors (milliseconds), so paging skips nothing', async () => {
    const rows = await queryDb<{ finer: number }>(
      service.ctx.databaseUrl,
      `SELECT count(*)::int AS finer FROM notifications
        WHERE user_id = $1 AND created_at <> date_trunc('milliseconds', created_at)`,
      [userId],
    );
    expect(rows[0]!.finer).toBe(0);
  });

  it('pages newest first with a cursor and reports the unread count', async () => {
    const first = await get('/v1/notifications?limit=3');
    expect(first.json().items).toHaveLength(3);
    expect(first.json().unreadCount).toBe(5);
    const second = await get(`/v1/notifications?limit=3&cursor=${first.json().nextCursor}`);
    expect(second.json().items).toHaveLength(2);
    expect(second.json().nextCursor).toBeNull();
    const all = [...first.json().items, ...second.json().items];
    expect(new Set(all.map((n: { id: string }) => n.id)).size).toBe(5);
    const times = all.map((n: { createdAt: string }) => n.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await get('/v1/notifications?cursor=nonsense')).statusCode).toBe(400);
  });

  it('marks one read, then all read; the unread count and filter follow', async () => {
    const [newest] = (await get('/v1/notifications?limit=1')).json().items;
    expect((await post(`/v1/notifications/${newest.id}/read`)).statusCode).toBe(204);
    expect((await post(`/v1/notifications/${newest.id}/read`)).statusCode).toBe(204);
    expect((await get('/v1/notifications/unread-count')).json()).toEqual({ unreadCount: 4 });
    const unread = (await get('/v1/notifications?unread=true&limit=100')).json().items;
    expect(unread).toHaveLength(4);
    expect(unread.some((n: { id: string }) => n.id === newest.id)).toBe(false);

    expect((await post('/v1/notifications/read-all')).json()).toEqual({ updated: 4 });
    expect((await get('/v1/notifications/unread-count')).json()).toEqual({ unreadCount: 0 });
  });

  it("refuses to mark another user's notification (404), and never shows it", async () => {
    const [mine] = (await get('/v1/notifications?limit=1')).json().items;
    const stranger = {
      authorization: `Bearer ${await service.ctx.jwks.sign({ userId: randomUUID() })}`,
    };
    expect((await post(`/v1/notifications/${mine.id}/read`, stranger)).statusCode).toBe(404);
    expect((await get('/v1/notifications', stranger)).json()).toEqual({
      items: [],
      nextCursor: null,
      unreadCount: 0,
    });
    expect((await post(`/v1/notifications/${randomUUID()}/read`)).statusCode).toBe(404);
  });
});
