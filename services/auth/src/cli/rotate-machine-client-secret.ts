#!/usr/bin/env node
// Give a machine client a new secret: `pnpm --filter @switchyard/auth rotate-machine-client-secret <clientId> [--overlap-seconds <n>] [--by <operator>]`.
// Reads DATABASE_URL and MACHINE_CLIENT_SECRET_OVERLAP_SECONDS (default one day): the replaced
// secret is still accepted that long (--overlap-seconds 0 ends it now, for a leaked secret).
// Prints the new secret once, on stdout; the rotation is recorded in the audit trail, by
// `cli:<operator>` (never the secret).
import { Type } from '@sinclair/typebox';
import { DatabaseEnv, loadConfigOrExit } from '@switchyard/service-kit';
import { asOperator } from '../audit/actors.js';
import { MachineClientSecretOverlapEnv } from '../config.js';
import { createDb } from '../db.js';
import { rotateClientSecret } from '../oauth/rotate-client-secret.js';
import { MAX_CLIENT_SECRET_OVERLAP_SECONDS } from '../schemas/auth.js';
import { operatorArgs } from './operator.js';

const usage =
  'usage: rotate-machine-client-secret <clientId> [--overlap-seconds <0..604800>] [--by <operator>]';
const { positional, actor, options } = operatorArgs(process.argv.slice(2), ['--overlap-seconds']);
const [clientId] = positional;
const overlapArg = options['--overlap-seconds'];
if (
  !clientId ||
  positional.length !== 1 ||
  (overlapArg !== undefined &&
    (!/^\d+$/.test(overlapArg) || Number(overlapArg) > MAX_CLIENT_SECRET_OVERLAP_SECONDS))
) {
  console.error(usage);
  process.exit(2);
}
const config = loadConfigOrExit(Type.Composite([DatabaseEnv, MachineClientSecretOverlapEnv]));
const db = createDb(config.DATABASE_URL);
try {
  const rotated = await rotateClientSecret(db, {
    clientId,
    by: asOperator(actor),
    overlapSeconds:
      overlapArg !== undefined ? Number(overlapArg) : config.MACHINE_CLIENT_SECRET_OVERLAP_SECONDS,
  });
  if (!rotated) {
    console.error(`no machine client ${clientId}`);
    process.exitCode = 1;
  } else {
    console.log(`new secret for ${clientId} (shown once; store it in your secret manager):`);
    console.log(rotated.client.clientSecret);
    console.log(`the replaced secret is accepted until ${rotated.client.previousSecretExpiresAt}`);
  }
} catch (error) {
  console.error(`could not rotate the secret of ${clientId}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
