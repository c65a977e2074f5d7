import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';

export const SIGNING_ALGORITHM = 'ES256';

/** A fresh ES256 key pair as JWKs; the private half never leaves the auth database. */
export async function newSigningKey(activatesAt = new Date()) {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM };
  return { kid, algorithm: SIGNING_ALGORITHM, publicJwk, privateJwk, activatesAt };
}
