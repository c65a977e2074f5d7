#!/usr/bin/env node
// Give a user a role, e.g. the first admin: `pnpm --filter @switchyard/auth grant-role <email> admin`.
// Reads DATABASE_URL. Takes effect with the user's next access token.
import { DatabaseEnv, loadConfigOrExit } from '@switchyard/service-kit';
import { createDb } from '../db.js';
import { ROLES, type Role } from '../domain/roles.js';

const [email, role] = process.argv.slice(2);
if (!email || !role || !(ROLES as readonly string[]).includes(role)) {
  console.error(`usage: grant-role <email> <${ROLES.join('|')}>`);
  process.exit(2);
}
const config = loadConfigOrExit(DatabaseEnv);
const db = createDb(config.DATABASE_URL);
try {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) {
    console.error(`no user with email ${email}`);
    process.exitCode = 1;
  } else {
    const roles = [...new Set([...user.roles, role as Role])];
    await db.user.update({ where: { id: user.id }, data: { roles } });
    console.log(`${user.email} now has roles: ${roles.join(', ')}`);
  }
} finally {
  await db.$disconnect();
}
