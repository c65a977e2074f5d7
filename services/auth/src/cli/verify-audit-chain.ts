#!/usr/bin/env node
// Verify the auth service's audit trail: `pnpm --filter @switchyard/auth verify-audit-chain`
// (Kubernetes: kubectl exec -n switchyard deploy/auth -- node dist/cli/verify-audit-chain.js).
// Reads DATABASE_URL. Walks each stream from its anchor (the last purged entry) to its head
// and prints one line per stream: intact with its head hash (keep it elsewhere to compare
// later), or the first broken link. Exits 1 when a chain is broken. Reads only.
import { describeVerification, verifyAuditChain } from '@switchyard/audit';
import { DatabaseEnv, loadConfigOrExit } from '@switchyard/service-kit';
import { createDb } from '../db.js';

if (process.argv.length > 2) {
  console.error('usage: verify-audit-chain');
  process.exit(2);
}
const config = loadConfigOrExit(DatabaseEnv);
const db = createDb(config.DATABASE_URL);
try {
  const { ok, lines } = describeVerification(await verifyAuditChain(db));
  for (const line of lines) console.log(line);
  process.exitCode = ok ? 0 : 1;
} catch (error) {
  console.error(`could not verify the audit trail: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
