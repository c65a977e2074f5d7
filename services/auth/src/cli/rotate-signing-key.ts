#!/usr/bin/env node
// Rotate the token signing key: `pnpm --filter @switchyard/auth rotate-signing-key [--by <operator>]`.
// Reads DATABASE_URL and SIGNING_KEY_SEALING_KEY (it seals the new private key);
// KEY_ACTIVATION_DELAY_SECONDS (default 120) and ACCESS_TOKEN_TTL_SECONDS (default 900) as the
// running service has them. Prints what it did; never a private key. The rotation is recorded
// in the audit trail, by `cli:<operator>`.
import { Type } from '@sinclair/typebox';
import { DatabaseEnv, loadConfigOrExit, SealingKeyring, SecretBox } from '@switchyard/service-kit';
import { asOperator } from '../audit/actors.js';
import { createDb } from '../db.js';
import { rotateSigningKey } from '../keys/rotate-signing-key.js';
import { operatorArgs } from './operator.js';

const { positional, actor } = operatorArgs(process.argv.slice(2));
if (positional.length !== 0) {
  console.error('usage: rotate-signing-key [--by <operator>]');
  process.exit(2);
}

const config = loadConfigOrExit(
  Type.Composite([
    DatabaseEnv,
    Type.Object({
      KEY_ACTIVATION_DELAY_SECONDS: Type.Integer({ minimum: 0, default: 120 }),
      ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, default: 900 }),
      SIGNING_KEY_SEALING_KEY: SealingKeyring(),
    }),
  ]),
);
const db = createDb(config.DATABASE_URL);
try {
  const result = await rotateSigningKey(db, {
    activationDelaySeconds: config.KEY_ACTIVATION_DELAY_SECONDS,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    sealing: new SecretBox(config.SIGNING_KEY_SEALING_KEY, 'SIGNING_KEY_SEALING_KEY'),
    by: asOperator(actor),
  });
  console.log(
    `new signing key ${result.kid}: published now, signs from ${result.activatesAt.toISOString()}`,
  );
  console.log(
    result.retired.length
      ? `retired keys: ${result.retired.join(', ')}`
      : 'no key old enough to retire',
  );
} finally {
  await db.$disconnect();
}
