import { randomUUID } from 'node:crypto';
import { SecretBox } from '@switchyard/service-kit';
import { queryDb, startSmtpCapture, type SmtpCapture } from '@switchyard/testing';
import { closeAfterTests, startNotificationService, TEST_WEBHOOK_SECRETS_KEY } from '../support.js';

/**
 * Webhook endpoints and deliveries page like every list (docs/api-guide.md): `{items,
 * nextCursor}`, `limit` 1–100, an opaque cursor for the next page, newest first.
 */
describe('webhook lists', () => {
  let smtp: SmtpCapture;
  let service: Awaited<ReturnType<typeof startNotificationService>>;
  const owner = randomUUID();
  let headers: { authorization: string };
  const box = new SecretBox(TEST_WEBHOOK_SECRETS_KEY, 'WEBHOOK_SECRETS_KEY');

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    service = await startNotificationService(smtp.smtpUrl);
    headers = { authorization: `Bearer ${await service.ctx.jwks.sign({ userId: owner })}` };
  });
  afterAll(() => closeAfterTests(smtp, () => service?.close()));

  const get = (url: string, h = headers) => service.app.inject({ url, headers: h });

  /** Follow nextCursor from `url` to the end; every item's id, in order, and the page sizes. */
  async function everyPage(url: string) {
    const ids: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const separator = url.includes('?') ? '&' : '?';
      const res = await get(cursor ? `${url}${separator}cursor=${cursor}` : url);
      expect(res.statusCode).toBe(200);
      const page = res.json() as { items: { id: string }[]; nextCursor: string | null };
      ids.push(...page.items.map((i) => i.id));
      sizes.push(page.items.length);
      cursor = page.nextCursor;
    } while (cursor && sizes.length < 50);
    return { ids, sizes };
  }

  /** `count` endpoints of `ownerId`, one second apart, oldest first; their ids. */
  async function endpoints(ownerId: string, count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    const values = ids.map(
      (_, i) =>
        `($${i * 2 + 1}::uuid, 'user', $${count * 2 + 1}, 'https://example.com/hook', '{order.paid}', $${count * 2 + 2}, now() - make_interval(secs => $${i * 2 + 2}), now())`,
    );
    await queryDb(
      service.ctx.databaseUrl,
      `INSERT INTO webhook_endpoints (id, owner_kind, owner_id, url, event_types, secret_ciphertext, created_at, updated_at)
       VALUES ${values.join(', ')}`,
      [...ids.flatMap((id, i) => [id, count - i]), ownerId, box.seal('whsec_test')],
    );
    return ids;
  }

  it('pages every endpoint, past a hundred, newest first', async () => {
    const ids = await endpoints(owner, 105);
    const { ids: listed, sizes } = await everyPage('/v1/webhooks/endpoints');
    expect(listed).toEqual([...ids].reverse());
    expect(sizes.every((n) => n <= 100)).toBe(true);

    const small = await everyPage('/v1/webhooks/endpoints?limit=40');
    expect(small.sizes).toEqual([40, 40, 25]);
    expect(small.ids).toEqual(listed);
    // Someone else's list is theirs alone.
    const stranger = {
      authorization: `Bearer ${await service.ctx.jwks.sign({ userId: randomUUID() })}`,
    };
    expect((await get('/v1/webhooks/endpoints', stranger)).json()).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('pages an endpoint’s deliveries with a cursor, also filtered by status', async () => {
    const [endpointId] = await endpoints(owner, 1);
    const deliveries = Array.from({ length: 5 }, (_, i) => ({
      id: randomUUID(),
      status: i % 2 === 0 ? 'failed' : 'succeeded',
      age: 5 - i,
    }));
    for (const d of deliveries)
      await queryDb(
        service.ctx.databaseUrl,
        `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, payload, status, created_at)
         VALUES ($1, $2, $3, 'order.paid', '{}', $4, now() - make_interval(secs => $5))`,
        [d.id, endpointId, randomUUID(), d.status, d.age],
      );
    const newestFirst = deliveries.map((d) => d.id).reverse();

    const all = await everyPage(`/v1/webhooks/endpoints/${endpointId}/deliveries?limit=2`);
    expect(all).toEqual({ ids: newestFirst, sizes: [2, 2, 1] });
    const failed = await everyPage(
      `/v1/webhooks/endpoints/${endpointId}/deliveries?status=failed&limit=2`,
    );
    expect(failed.ids).toEqual(
      deliveries
        .filter((d) => d.status === 'failed')
        .map((d) => d.id)
        .reverse(),
    );
  });

  it.each([
    '/v1/webhooks/endpoints?limit=101',
    '/v1/webhooks/endpoints?limit=0',
    '/v1/webhooks/endpoints?cursor=bm90LWEtY3Vyc29y',
    `/v1/webhooks/endpoints/${randomUUID()}/deliveries?limit=101`,
    `/v1/webhooks/endpoints/${randomUUID()}/deliveries?cursor=nonsense`,
  ])('answers %s with 400 problem+json', async (url) => {
    const res = await get(url);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
