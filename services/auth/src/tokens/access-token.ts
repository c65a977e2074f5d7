import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ACCESS_TOKEN_TYPE } from '@switchyard/service-kit';
import { SIGNING_ALGORITHM, type KeyStore } from '../keys/key-store.js';

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface AccessTokenSubject {
  /** A user id, or a machine client's id for the client_credentials grant. */
  subject: string;
  roles: string[];
  scopes?: string[];
  /**
   * The client the token is issued to (RFC 9068 `client_id`, required): the machine client
   * itself (then equal to the subject), or the client a person signed in through.
   */
  clientId: string;
  /** A person's session (its refresh-token family): `sid`, so it can be signed out alone. */
  sessionId?: string;
  /** Whether a person's email address is verified (`email_verified`, as OIDC names it). */
  emailVerified?: boolean;
}

/**
 * A short-lived access token, an RFC 9068 JWT profile token: `typ: at+jwt`, and the claims it
 * requires (iss, exp, aud, sub, client_id, iat, jti), signed with the current key.
 */
export async function signAccessToken(
  keys: KeyStore,
  settings: AccessTokenSettings,
  who: AccessTokenSubject,
): Promise<string> {
  const { kid, privateKey } = keys.signingKey();
  const claims: Record<string, unknown> = { roles: who.roles };
  if (who.scopes?.length) claims.scope = who.scopes.join(' ');
  claims.client_id = who.clientId;
  if (who.sessionId) claims.sid = who.sessionId;
  if (who.emailVerified !== undefined) claims.email_verified = who.emailVerified;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: ACCESS_TOKEN_TYPE })
    .setSubject(who.subject)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime(`${settings.ttlSeconds}s`)
    .sign(privateKey);
}
