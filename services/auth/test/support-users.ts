import { randomUUID } from 'node:crypto';
import type { App } from '@switchyard/service-kit';
import { queryDb } from '@switchyard/testing';

export const password = 'correct horse battery staple';
export const freshEmail = () => `user-${randomUUID()}@example.com`;

/** Register, optionally make admin (as the grant-role command does), log in. */
export async function signUp(
  app: App,
  databaseUrl: string,
  options: { admin?: boolean } = {},
): Promise<{ id: string; email: string; accessToken: string; refreshToken: string }> {
  const email = freshEmail();
  const registered = await app.inject({
    method: 'POST',
    url: '/v1/auth/register',
    payload: { email, password, name: 'Test' },
  });
  if (registered.statusCode !== 201) throw new Error(`register failed: ${registered.body}`);
  if (options.admin) {
    await queryDb(
      databaseUrl,
      `UPDATE users SET roles = ARRAY['customer','admin'] WHERE email = $1`,
      [email],
    );
  }
  const login = await app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { email, password },
  });
  return { id: registered.json().id, email, ...login.json() };
}
