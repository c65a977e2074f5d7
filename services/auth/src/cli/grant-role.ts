#!/usr/bin/env node
// Give a user a role, e.g. the first admin:
// `pnpm --filter @switchyard/auth grant-role <email> admin [--by <operator>]`.
// Reads DATABASE_URL. Takes effect with the user's next access token. The grant is recorded
// in the audit trail, by `cli:<operator>` (the login name unless --by says otherwise).
import { DatabaseEnv, loadConfigOrExit } from '@switchyard/service-kit';
import { asOperator } from '../audit/actors.js';
import { createDb } from '../db.js';
import { ROLES, type Role } from '../domain/roles.js';
import { grantRole } from '../users/grant-role.js';
import { operatorArgs } from './operator.js';

const { positional, actor } = operatorArgs(process.argv.slice(2));
const [email, role] = positional;
if (!email || !role || positional.length !== 2 || !(ROLES as readonly string[]).includes(role)) {
  console.error(`usage: grant-role <email> <${ROLES.join('|')}> [--by <operator>]`);
  process.exit(2);
}
const config = loadConfigOrExit(DatabaseEnv);
const db = createDb(config.DATABASE_URL);
try {
  const result = await grantRole(db, { email, role: role as Role, by: asOperator(actor) });
  if (!result) {
    console.error(`no user with email ${email}`);
    process.exitCode = 1;
  } else {
    console.log(`${email} now has roles: ${result.roles.join(', ')}`);
  }
} finally {
  await db.$disconnect();
}
