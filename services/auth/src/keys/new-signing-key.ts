import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { SecretBox } from '@switchyard/service-kit';

export const SIGNING_ALGORITHM = 'ES256';

/**
 * A fresh ES256 key pair: the public half as a JWK, the private half as a JWK sealed under
 * SIGNING_KEY_SEALING_KEY — it is never written anywhere in plain text.
 */
export async function newSigningKey(sealing: SecretBox, activatesAt = new Date()) {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM };
  return {
    kid,
    algorithm: SIGNING_ALGORITHM,
    publicJwk,
    privateJwkSealed: sealing.seal(JSON.stringify(privateJwk)),
    activatesAt,
  };
}
