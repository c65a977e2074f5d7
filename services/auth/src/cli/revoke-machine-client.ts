#!/usr/bin/env node
// Revoke a machine client for ever: `pnpm --filter @switchyard/auth revoke-machine-client <clientId> [--by <operator>]`.
// Reads DATABASE_URL, REDIS_URL and ACCESS_TOKEN_TTL_SECONDS as the running service has them.
// The gateway and the services refuse the client's live tokens at once; it gets no new ones.
// Prints the client; the revocation is recorded in the audit trail, by `cli:<operator>`.
import { Type } from '@sinclair/typebox';
import { Redis } from 'ioredis';
import { DatabaseEnv, loadConfigOrExit } from '@switchyard/service-kit';
import { asOperator } from '../audit/actors.js';
import { createDb } from '../db.js';
import { revokeClient } from '../oauth/revoke-client.js';
import { operatorArgs } from './operator.js';

const { positional, actor } = operatorArgs(process.argv.slice(2));
const [clientId] = positional;
if (!clientId || positional.length !== 1) {
  console.error('usage: revoke-machine-client <clientId> [--by <operator>]');
  process.exit(2);
}
const config = loadConfigOrExit(
  Type.Composite([
    DatabaseEnv,
    Type.Object({
      REDIS_URL: Type.String({ pattern: '^rediss?://', default: 'redis://127.0.0.1:6379' }),
      ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 900 }),
    }),
  ]),
);
const db = createDb(config.DATABASE_URL);
// One try, no reconnect loop: a command line must end, and the service's sync has our back.
const redis = new Redis(config.REDIS_URL, {
  lazyConnect: true,
  maxRetriesPerRequest: 0,
  retryStrategy: () => null,
});
redis.on('error', () => {}); // reported below, once, by the write that failed
try {
  const revoked = await revokeClient(db, redis, {
    clientId,
    by: asOperator(actor),
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  });
  if (!revoked) {
    console.error(`no machine client ${clientId}`);
    process.exitCode = 1;
  } else {
    console.log(
      revoked.newlyRevoked
        ? `revoked ${clientId} at ${revoked.client.revokedAt}`
        : `${clientId} was already revoked at ${revoked.client.revokedAt}`,
    );
    if (revoked.denylistError) {
      // The row is revoked (the source of truth); only the denylist write failed.
      console.error(
        `Redis could not be written (${revoked.denylistError.message}): the auth service writes ` +
          'the denylist entry within DENYLIST_SYNC_INTERVAL_MS; run this again to write it now',
      );
      process.exitCode = 1;
    }
  }
} catch (error) {
  console.error(`could not revoke ${clientId}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  redis.disconnect();
  await db.$disconnect();
}
