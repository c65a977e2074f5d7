import { DatabaseEnv, loadConfigOrExit } from '@switchyard/service-kit';
import { describeVerification } from './describe-verification.js';
import type { AuditDb } from './sql-client.js';
import { verifyAuditChain } from './verify-audit-chain.js';

/**
 * The body of each service's `verify-audit-chain` command: reads DATABASE_URL, walks each
 * stream from its anchor (the last purged entry) to its head and prints one line per stream —
 * intact with its head hash (keep it elsewhere to compare later), or the first broken link.
 * Sets exit code 1 when a chain is broken (2 on a wrong use). Reads only.
 */
export async function runVerifyAuditChainCommand(options: {
  argv: string[];
  connect(databaseUrl: string): AuditDb & { $disconnect(): Promise<void> };
}): Promise<void> {
  if (options.argv.length > 0) {
    console.error('usage: verify-audit-chain');
    process.exitCode = 2;
    return;
  }
  const config = loadConfigOrExit(DatabaseEnv);
  const db = options.connect(config.DATABASE_URL);
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
}
