// The verify-audit-chain command on a real database: intact, then each kind of tampering —
// an entry changed, a middle entry deleted, two entries swapped — named at its first broken
// link; undoing the tampering makes the chain whole again (the command reads, never repairs).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { queryDb } from '@switchyard/testing';
import { serviceDir, startAuthService } from '../support.js';
import { signUp } from '../support-users.js';

const run = promisify(execFile);

describe('verify-audit-chain (command line)', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;
  beforeAll(async () => {
    service = await startAuthService();
    // A few entries: the first signing key, registrations and sign-ins.
    for (let i = 0; i < 3; i++) await signUp(service.app, service.ctx.databaseUrl);
  });
  afterAll(() => service.close());

  async function verify(): Promise<{ code: number; out: string }> {
    try {
      const { stdout } = await run(
        process.execPath,
        [path.join(serviceDir, 'dist/cli/verify-audit-chain.js')],
        { env: { ...process.env, DATABASE_URL: service.ctx.databaseUrl } },
      );
      return { code: 0, out: stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, out: failed.stdout + failed.stderr };
    }
  }
  const sql = (text: string, values: unknown[] = []) =>
    queryDb(service.ctx.databaseUrl, text, values);
  const entry = async (seq: number) =>
    (await sql(`SELECT * FROM audit_events WHERE stream = 'auth' AND seq = $1`, [seq]))[0]!;

  it('says an untouched chain is intact, with its head', async () => {
    const [head] = await sql(`SELECT head_seq, head_hash FROM audit_streams WHERE stream = 'auth'`);
    const { code, out } = await verify();
    expect(code).toBe(0);
    expect(out).toContain(
      `auth: intact, ${head!.head_seq} entries from the start to seq ${head!.head_seq}, head hash ${head!.head_hash}`,
    );
  });

  it('names an entry whose content was changed', async () => {
    const original = await entry(4);
    await sql(`UPDATE audit_events SET ip = '192.0.2.66' WHERE stream = 'auth' AND seq = 4`);
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(out).toContain(`auth: BROKEN at seq 4 (entry ${original.id}): its content was altered`);
    await sql(`UPDATE audit_events SET ip = $1 WHERE stream = 'auth' AND seq = 4`, [original.ip]);
    expect((await verify()).code).toBe(0);
  });

  it('names a deleted entry in the middle', async () => {
    const original = await entry(3);
    await sql(`DELETE FROM audit_events WHERE stream = 'auth' AND seq = 3`);
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(out).toContain('auth: BROKEN at seq 3: entry 3 is missing');
    await sql(
      `INSERT INTO audit_events SELECT * FROM json_populate_record(NULL::audit_events, $1::json)`,
      [JSON.stringify(original)],
    );
    expect((await verify()).code).toBe(0);
  });

  it('names entries put in another order', async () => {
    const swap = async () => {
      for (const [from, to] of [
        [5, 1000],
        [6, 5],
        [1000, 6],
      ])
        await sql(`UPDATE audit_events SET seq = $2 WHERE stream = 'auth' AND seq = $1`, [
          from,
          to,
        ]);
    };
    const sixth = await entry(6);
    await swap();
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(out).toContain(`auth: BROKEN at seq 5 (entry ${sixth.id}): it does not follow entry 4`);
    await swap();
    expect((await verify()).code).toBe(0);
  });
});
