import type { JWK } from 'jose';
import type { SecretBox } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import { Prisma } from '../generated/prisma/client.js';

interface StoredKey {
  kid: string;
  privateJwk: Prisma.JsonValue | null;
  privateJwkSealed: string | null;
}

/** A stored key whose private half is in plain JSON, or sealed under an older key. */
export const needsSealing = (key: StoredKey, sealing: SecretBox) =>
  key.privateJwk !== null ||
  (key.privateJwkSealed !== null && !sealing.isCurrent(key.privateJwkSealed));

/** The private JWK of a stored key: opened from its sealed form (or, until sealed, the plain one). */
export function privateJwkOf(key: StoredKey, sealing: SecretBox): JWK {
  if (key.privateJwkSealed !== null) {
    try {
      return JSON.parse(sealing.open(key.privateJwkSealed)) as JWK;
    } catch (error) {
      throw new Error(
        `cannot open signing key ${key.kid}: ${(error as Error).message} (SIGNING_KEY_SEALING_KEY must list the key that sealed it)`,
      );
    }
  }
  if (key.privateJwk !== null) return key.privateJwk as JWK;
  throw new Error(`signing key ${key.kid} has no private key`);
}

/**
 * Seal every private key stored in plain JSON (rows an earlier version wrote) and reseal every
 * one sealed under an older key than the keyring's newest (a rotation of SIGNING_KEY_SEALING_KEY),
 * retired keys included, so no backup taken from now on holds a plain private key or needs a
 * dropped sealing key. Each row is written only if it still holds what was read: replicas
 * doing this at once agree. Returns how many rows it wrote.
 */
export async function sealStoredKeys(db: Db, sealing: SecretBox): Promise<number> {
  const keys = await db.signingKey.findMany({
    select: { kid: true, privateJwk: true, privateJwkSealed: true },
  });
  let written = 0;
  for (const key of keys.filter((k) => needsSealing(k, sealing))) {
    const sealed = sealing.seal(JSON.stringify(privateJwkOf(key, sealing)));
    const result = await db.signingKey.updateMany({
      // Every writer changes the sealed column: unchanged means no one got here first.
      where: { kid: key.kid, privateJwkSealed: key.privateJwkSealed },
      data: { privateJwkSealed: sealed, privateJwk: Prisma.DbNull },
    });
    written += result.count;
  }
  return written;
}
