import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { queryDb } from './test-database.js';

const run = promisify(execFile);

/** A service's `verify-audit-chain` command (its built dist/) on a database: exit code and output. */
export async function runVerifyAuditChain(
  serviceDir: string,
  databaseUrl: string,
): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(
      process.execPath,
      [path.join(serviceDir, 'dist/cli/verify-audit-chain.js')],
      { env: { ...process.env, DATABASE_URL: databaseUrl } },
    );
    return { code: 0, out: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout + failed.stderr };
  }
}

/** Audit entries of a database as stored, oldest first (optionally of one action). */
export function auditEntries(databaseUrl: string, action?: string) {
  return queryDb<{
    id: string;
    seq: string;
    actor_type: string;
    actor_id: string | null;
    action: string;
    target_type: string | null;
    target_id: string | null;
    changes: Record<string, { before: unknown; after: unknown }> | null;
    details: Record<string, unknown> | null;
    request_id: string | null;
  }>(
    databaseUrl,
    `SELECT id, seq::text AS seq, actor_type, actor_id, action, target_type, target_id, changes,
            details, request_id
       FROM audit_events WHERE $1::text IS NULL OR action = $1 ORDER BY stream, seq`,
    [action ?? null],
  );
}

/**
 * Run `action` while every commit that wrote `table` fails (a deferred constraint trigger that
 * raises at COMMIT, after every statement of the transaction succeeded, the audit entry's too):
 * what an action that rolls back at the last moment leaves behind.
 */
export async function withFailingCommits<T>(
  databaseUrl: string,
  table: string,
  action: () => Promise<T>,
): Promise<T> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
  await queryDb(
    databaseUrl,
    `CREATE OR REPLACE FUNCTION test_refuse_commit() RETURNS trigger LANGUAGE plpgsql AS
       $$ BEGIN RAISE EXCEPTION 'commit refused by the test'; END $$;
     CREATE CONSTRAINT TRIGGER test_refuse_commit AFTER INSERT OR UPDATE OR DELETE ON ${table}
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_refuse_commit();`,
  );
  try {
    return await action();
  } finally {
    await queryDb(databaseUrl, `DROP TRIGGER test_refuse_commit ON ${table}`);
  }
}

/**
 * Alter one audit entry's recorded content (its details) as someone with database access
 * could; returns a function that puts it back.
 */
export async function tamperAuditEntry(
  databaseUrl: string,
  stream: string,
  seq: number,
): Promise<{ id: string; restore(): Promise<void> }> {
  const [entry] = await queryDb<{ id: string; details: string | null }>(
    databaseUrl,
    `SELECT id::text AS id, details::text AS details FROM audit_events WHERE stream = $1 AND seq = $2`,
    [stream, seq],
  );
  if (!entry) throw new Error(`no audit entry ${stream}/${seq}`);
  await queryDb(
    databaseUrl,
    `UPDATE audit_events SET details = '{"tampered": true}'::jsonb WHERE stream = $1 AND seq = $2`,
    [stream, seq],
  );
  return {
    id: entry.id,
    restore: async () =>
      void (await queryDb(
        databaseUrl,
        `UPDATE audit_events SET details = $3::jsonb WHERE stream = $1 AND seq = $2`,
        [stream, seq, entry.details],
      )),
  };
}

/**
 * What verify-audit-chain says of a service's trail as it is, with one entry altered, and once
 * it is put back: a test of the command's detection, for each service alike.
 */
export async function verifyBeforeAndAfterTampering(
  serviceDir: string,
  databaseUrl: string,
  entry: { stream: string; seq: number },
) {
  const intact = await runVerifyAuditChain(serviceDir, databaseUrl);
  const tampered = await tamperAuditEntry(databaseUrl, entry.stream, entry.seq);
  const broken = await runVerifyAuditChain(serviceDir, databaseUrl);
  await tampered.restore();
  const restored = await runVerifyAuditChain(serviceDir, databaseUrl);
  return { intact, broken, restored, tamperedId: tampered.id };
}
