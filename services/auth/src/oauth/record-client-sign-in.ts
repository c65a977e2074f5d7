import type { AuditOrigin } from '@switchyard/audit';
import { anonymous } from '../audit/actors.js';
import { machineClientTarget, recordAuthEvent } from '../audit/record-auth-event.js';
import type { Db } from '../db.js';

/** A machine client signed in: the client_credentials grant gave it a token with these scopes. */
export function recordClientTokenIssued(
  db: Db,
  options: { clientId: string; scopes: string[]; origin: AuditOrigin },
) {
  return db.$transaction((tx) =>
    recordAuthEvent(
      tx,
      { actor: { type: 'client', id: options.clientId }, ...options.origin },
      {
        action: 'auth.client_token_issued',
        target: machineClientTarget(options.clientId),
        details: { scopes: options.scopes },
      },
    ),
  );
}

/**
 * A client_credentials request that did not authenticate: a wrong secret, a revoked client, or
 * an id nobody has (then the id tried is kept, cut to the longest a client id can be).
 */
export async function recordClientAuthenticationFailed(
  db: Db,
  options: { clientId: string; origin: AuditOrigin },
) {
  const client = await db.oAuthClient.findUnique({
    where: { clientId: options.clientId },
    select: { clientId: true, disabled: true },
  });
  await db.$transaction((tx) =>
    recordAuthEvent(tx, anonymous(options.origin), {
      action: 'auth.client_authentication_failed',
      target: client ? machineClientTarget(client.clientId) : null,
      details: client
        ? { reason: client.disabled ? 'client_revoked' : 'wrong_secret' }
        : { reason: 'unknown_client', clientId: options.clientId.slice(0, 100) },
    }),
  );
}
