import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ACCESS_TOKEN_TYPE } from '@switchyard/service-kit';
import { SIGNING_ALGORITHM, type KeyStore } from '../keys/key-store.js';

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** A short-lived access token (RFC 9068 `at+jwt`) signed with the current key. */
export async function signAccessToken(
  keys: KeyStore,
  settings: AccessTokenSettings,
  user: { id: string; roles: string[] },
): Promise<string> {
  const { kid, privateKey } = keys.signingKey();
  return new SignJWT({ roles: user.roles })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: ACCESS_TOKEN_TYPE })
    .setSubject(user.id)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime(`${settings.ttlSeconds}s`)
    .sign(privateKey);
}
