#!/usr/bin/env node
// Verify the auth service's audit trail: `pnpm --filter @switchyard/auth verify-audit-chain`
// (Kubernetes: kubectl exec -n switchyard deploy/auth -- node dist/cli/verify-audit-chain.js).
// Reads DATABASE_URL; prints one line per stream, exits 1 on a broken chain (runVerifyAuditChainCommand).
import { runVerifyAuditChainCommand } from '@switchyard/audit';
import { createDb } from '../db.js';

await runVerifyAuditChainCommand({ argv: process.argv.slice(2), connect: (url) => createDb(url) });
