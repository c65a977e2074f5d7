// An action and its audit entry commit together or not at all, on a real PostgreSQL: an
// action that fails after its entry was written leaves no entry, and an entry that cannot be
// written undoes the action. A failed sign-in is no rolled-back action: it is recorded.
import { verifyAuditChain } from '@switchyard/audit';
import { queryDb } from '@switchyard/testing';
import { createDb } from '../../src/db.js';
import { startAuthService } from '../support.js';
import { auditEntries } from '../support-audit.js';
import { password, signUp } from '../support-users.js';

describe('audit entries share their action’s transaction', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;
  beforeAll(async () => {
    service = await startAuthService();
  });
  afterAll(() => service.close());

  const sql = (text: string, values: unknown[] = []) =>
    queryDb(service.ctx.databaseUrl, text, values);
  const patchUser = (token: string, id: string, payload: object) =>
    service.app.inject({
      method: 'PATCH',
      url: `/v1/auth/admin/users/${id}`,
      headers: { authorization: `Bearer ${token}` },
      payload,
    });
  const login = (email: string, pw: string) =>
    service.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password: pw } });

  /**
   * Make every transaction that writes to `table` fail: at its commit, after all its
   * statements ran — the audit entry's too — as a lost connection or a constraint checked at
   * commit would; or (`at: 'write'`) at the write itself. Returns the undo.
   */
  async function refuseWritesTo(table: string, at: 'commit' | 'write' = 'commit') {
    await sql(`CREATE OR REPLACE FUNCTION audit_test_fail() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN RAISE EXCEPTION 'write refused by the test'; END $$`);
    await sql(
      at === 'commit'
        ? `CREATE CONSTRAINT TRIGGER audit_test_fail AFTER INSERT OR UPDATE ON ${table}
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_test_fail()`
        : `CREATE TRIGGER audit_test_fail BEFORE INSERT ON ${table}
            FOR EACH ROW EXECUTE FUNCTION audit_test_fail()`,
    );
    return () => sql(`DROP TRIGGER audit_test_fail ON ${table}`);
  }

  it('keeps no entry of a role grant whose transaction failed after the entry was written', async () => {
    const admin = await signUp(service.app, service.ctx.databaseUrl, { admin: true });
    const user = await signUp(service.app, service.ctx.databaseUrl);
    const undo = await refuseWritesTo('users');
    try {
      const res = await patchUser(admin.accessToken, user.id, { roles: ['customer', 'admin'] });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    } finally {
      await undo();
    }
    const [row] = await sql('SELECT roles FROM users WHERE id = $1', [user.id]);
    expect(row!.roles).toEqual(['customer']);
    const actions = (await auditEntries(service.ctx.databaseUrl, user.id)).map((e) => e.action);
    expect(actions).not.toContain('user.role_granted');
    // The same grant, with nothing in the way, is recorded.
    expect(
      (await patchUser(admin.accessToken, user.id, { roles: ['customer', 'admin'] })).statusCode,
    ).toBe(200);
    expect((await auditEntries(service.ctx.databaseUrl, user.id)).at(-1)!.action).toBe(
      'user.role_granted',
    );
  });

  it('keeps no entry of a sign-in whose session could not be stored', async () => {
    const user = await signUp(service.app, service.ctx.databaseUrl);
    const before = await auditEntries(service.ctx.databaseUrl, user.id);
    const undo = await refuseWritesTo('refresh_tokens');
    try {
      expect((await login(user.email, password)).statusCode).toBe(500);
    } finally {
      await undo();
    }
    expect(await auditEntries(service.ctx.databaseUrl, user.id)).toEqual(before);
  });

  it('undoes the action when its entry cannot be written', async () => {
    const admin = await signUp(service.app, service.ctx.databaseUrl, { admin: true });
    const user = await signUp(service.app, service.ctx.databaseUrl);
    const undo = await refuseWritesTo('audit_events', 'write');
    try {
      expect((await patchUser(admin.accessToken, user.id, { disabled: true })).statusCode).toBe(
        500,
      );
    } finally {
      await undo();
    }
    const [row] = await sql('SELECT disabled FROM users WHERE id = $1', [user.id]);
    expect(row!.disabled).toBe(false);
    expect((await login(user.email, password)).statusCode).toBe(200);
    const actions = (await auditEntries(service.ctx.databaseUrl, user.id)).map((e) => e.action);
    expect(actions).not.toContain('user.disabled');
  });

  it('records a failed sign-in: it is an answer, not a rolled-back action', async () => {
    const user = await signUp(service.app, service.ctx.databaseUrl);
    expect((await login(user.email, 'a wrong password!')).statusCode).toBe(401);
    expect((await auditEntries(service.ctx.databaseUrl, user.id)).at(-1)).toMatchObject({
      action: 'auth.login_failed',
    });
  });

  it('leaves the chain whole through all of it', async () => {
    const db = createDb(service.ctx.databaseUrl);
    try {
      expect((await verifyAuditChain(db))[0]).toMatchObject({ stream: 'auth', broken: null });
    } finally {
      await db.$disconnect();
    }
  });
});
