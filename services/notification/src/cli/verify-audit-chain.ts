#!/usr/bin/env node
// Verify the notification service's audit trail: `pnpm --filter @switchyard/notification verify-audit-chain`
// (Kubernetes: kubectl exec -n switchyard deploy/notification -- node dist/cli/verify-audit-chain.js).
// Reads DATABASE_URL; prints one line per stream, exits 1 on a broken chain.
import { runVerifyAuditChainCommand } from '@switchyard/audit';
import { createDb } from '../db.js';

await runVerifyAuditChainCommand({ argv: process.argv.slice(2), connect: (url) => createDb(url) });
