import { Topics } from '@switchyard/contracts';
import { queryDb } from '@switchyard/testing';
import { startAuthService } from '../support.js';
import { signUp } from '../support-users.js';

const address = {
  line1: '12 Analytical Row',
  line2: 'Floor 3',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  region: null,
  country: 'GB',
};

interface OutboxRow {
  message_key: string;
  topic: string;
  headers: Record<string, string>;
  payload: string;
}

describe('the customer profile', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;

  beforeAll(async () => {
    service = await startAuthService();
  });
  afterAll(() => service.close());

  const getProfile = (accessToken?: string) =>
    service.app.inject({
      method: 'GET',
      url: '/v1/account/profile',
      headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
    });
  const putProfile = (accessToken: string, payload: unknown) =>
    service.app.inject({
      method: 'PUT',
      url: '/v1/account/profile',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const profileEvents = (userId: string) =>
    queryDb<OutboxRow>(
      service.ctx.databaseUrl,
      `SELECT message_key, topic, headers, payload FROM outbox_events
        WHERE event_type = 'user.profile_updated' AND message_key = $1 ORDER BY seq`,
      [userId],
    );
  const storedAddress = async (userId: string) => {
    const [row] = await queryDb<{ name: string; billing_address: unknown }>(
      service.ctx.databaseUrl,
      'SELECT name, billing_address FROM users WHERE id = $1',
      [userId],
    );
    return row!;
  };

  describe('GET /v1/account/profile', () => {
    it('shows the signed-in customer their name and email, with no billing address yet', async () => {
      const user = await signUp(service.app, service.ctx.databaseUrl);
      const res = await getProfile(user.accessToken);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ name: 'Test', email: user.email, billingAddress: null });
    });

    it('refuses a machine client, which has no profile, with 403', async () => {
      const admin = await signUp(service.app, service.ctx.databaseUrl, { admin: true });
      const registered = await service.app.inject({
        method: 'POST',
        url: '/v1/auth/admin/clients',
        headers: { authorization: `Bearer ${admin.accessToken}` },
        payload: { name: 'warehouse', scopes: ['orders:read'] },
      });
      const { clientId, clientSecret } = registered.json();
      const granted = await service.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        },
        payload: 'grant_type=client_credentials',
      });
      const machineToken = granted.json().access_token as string;
      expect((await getProfile(machineToken)).statusCode).toBe(403);
      const put = await putProfile(machineToken, { name: 'Bot', billingAddress: null });
      expect(put.statusCode).toBe(403);
      expect(put.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('refuses a caller without a token with a problem', async () => {
      const res = await getProfile();
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });

  describe('PUT /v1/account/profile', () => {
    it('stores the name and billing address and answers the stored profile', async () => {
      const user = await signUp(service.app, service.ctx.databaseUrl);
      const res = await putProfile(user.accessToken, {
        name: '  Ada Lovelace ',
        billingAddress: address,
      });
      expect(res.statusCode).toBe(200);
      const expected = { name: 'Ada Lovelace', email: user.email, billingAddress: address };
      expect(res.json()).toEqual(expected);
      expect((await getProfile(user.accessToken)).json()).toEqual(expected);
      expect(await storedAddress(user.id)).toEqual({
        name: 'Ada Lovelace',
        billing_address: address,
      });
    });

    it('writes user.profile_updated with the new profile to the outbox in the same change', async () => {
      const user = await signUp(service.app, service.ctx.databaseUrl);
      await putProfile(user.accessToken, { name: 'Ada', billingAddress: address });
      const rows = await profileEvents(user.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        message_key: user.id,
        topic: Topics.users,
        headers: expect.objectContaining({
          ce_type: 'dev.switchyard.user.profile_updated.v1',
          ce_subject: user.id,
        }),
      });
      expect(JSON.parse(rows[0]!.payload)).toEqual({
        userId: user.id,
        name: 'Ada',
        billingAddress: address,
      });
    });

    it('announces nothing when the same profile is put again (a retry is harmless)', async () => {
      const user = await signUp(service.app, service.ctx.databaseUrl);
      await putProfile(user.accessToken, { name: 'Ada', billingAddress: address });
      // The same fields in another order, as a client may send them.
      const reordered = Object.fromEntries(Object.entries(address).reverse());
      const again = await putProfile(user.accessToken, { billingAddress: reordered, name: 'Ada' });
      expect(again.statusCode).toBe(200);
      expect(again.json().billingAddress).toEqual(address);
      expect(await profileEvents(user.id)).toHaveLength(1);
    });

    it('announces each real change, including removing the address', async () => {
      const user = await signUp(service.app, service.ctx.databaseUrl);
      // Putting back exactly what registration stored is no change either.
      await putProfile(user.accessToken, { name: 'Test', billingAddress: null });
      expect(await profileEvents(user.id)).toHaveLength(0);

      await putProfile(user.accessToken, { name: 'Ada', billingAddress: address });
      await putProfile(user.accessToken, {
        name: 'Ada',
        billingAddress: { ...address, postalCode: 'EC1A 1BB' },
      });
      const removed = await putProfile(user.accessToken, { name: 'Ada', billingAddress: null });
      expect(removed.json()).toEqual({ name: 'Ada', email: user.email, billingAddress: null });
      expect(await storedAddress(user.id)).toEqual({ name: 'Ada', billing_address: null });

      const payloads = (await profileEvents(user.id)).map((row) => JSON.parse(row.payload));
      expect(payloads.map((p) => p.billingAddress?.postalCode ?? null)).toEqual([
        'SW1Y 4JH',
        'EC1A 1BB',
        null,
      ]);
    });

    it('changes only the caller’s own profile', async () => {
      const owner = await signUp(service.app, service.ctx.databaseUrl);
      const other = await signUp(service.app, service.ctx.databaseUrl);
      await putProfile(owner.accessToken, { name: 'Owner', billingAddress: address });
      await putProfile(other.accessToken, { name: 'Other', billingAddress: null });
      expect((await getProfile(owner.accessToken)).json()).toEqual({
        name: 'Owner',
        email: owner.email,
        billingAddress: address,
      });
      expect(await profileEvents(owner.id)).toHaveLength(1);
    });

    describe('refuses bad input with a problem, storing and announcing nothing', () => {
      const tooLong = (n: number) => 'x'.repeat(n + 1);
      it.each([
        ['a lower-case country', { billingAddress: { ...address, country: 'gb' } }],
        ['a three-letter country', { billingAddress: { ...address, country: 'GBR' } }],
        ['a NUL in the name', { name: 'Ada\u0000Lovelace' }],
        ['a NUL in an address line', { billingAddress: { ...address, line1: '12\u0000Row' } }],
        ['an unknown property', { role: 'admin' }],
        ['an unknown address property', { billingAddress: { ...address, vatId: 'GB123' } }],
        ['a name that is too long', { name: tooLong(200) }],
        [
          'an address line that is too long',
          { billingAddress: { ...address, line1: tooLong(200) } },
        ],
        [
          'a postal code that is too long',
          { billingAddress: { ...address, postalCode: tooLong(20) } },
        ],
        ['a blank name', { name: '   ' }],
        ['a missing city', { billingAddress: { ...address, city: undefined } }],
        ['a missing billing address', { billingAddress: undefined }],
      ])('%s', async (_case, change) => {
        const user = await signUp(service.app, service.ctx.databaseUrl);
        const res = await putProfile(user.accessToken, {
          name: 'Ada',
          billingAddress: address,
          ...change,
        });
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
        expect(await storedAddress(user.id)).toEqual({ name: 'Test', billing_address: null });
        expect(await profileEvents(user.id)).toHaveLength(0);
      });
    });
  });
});
