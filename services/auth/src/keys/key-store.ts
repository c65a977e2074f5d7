import { randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import type { Db } from '../db.js';

export const SIGNING_ALGORITHM = 'ES256';
// Serialises key creation across replicas starting at once.
const KEY_CREATION_LOCK = 41_337_001;

interface ActiveKey {
  kid: string;
  privateKey: CryptoKey;
}

/**
 * The auth service's signing keys, kept in its own database so every replica signs with the
 * same key. The newest unretired key signs; every unretired key is published in the JWKS.
 */
export class KeyStore {
  private active: ActiveKey | null = null;
  private publicSet: JSONWebKeySet = { keys: [] };
  private verifier: JWTVerifyGetKey = createLocalJWKSet({ keys: [] });

  constructor(private readonly db: Db) {}

  /** Load keys, creating the first one if the database has none. */
  async load(): Promise<void> {
    let keys = await this.liveKeys();
    if (keys.length === 0) {
      await this.db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock($1)', KEY_CREATION_LOCK);
        const existing = await tx.signingKey.count({ where: { retiredAt: null } });
        if (existing === 0) await tx.signingKey.create({ data: await newKeyRow() });
      });
      keys = await this.liveKeys();
    }
    const newest = keys[0]!;
    this.active = {
      kid: newest.kid,
      privateKey: (await importJWK(newest.privateJwk as JWK, SIGNING_ALGORITHM)) as CryptoKey,
    };
    this.publicSet = { keys: keys.map((k) => k.publicJwk as JWK) };
    this.verifier = createLocalJWKSet(this.publicSet);
  }

  signingKey(): ActiveKey {
    if (!this.active) throw new Error('key store not loaded');
    return this.active;
  }

  /** Public keys only: never a private parameter. */
  jwks(): JSONWebKeySet {
    return this.publicSet;
  }

  /** For verifying our own tokens in this service. */
  readonly getKey: JWTVerifyGetKey = (header, token) => this.verifier(header, token);

  private liveKeys() {
    return this.db.signingKey.findMany({
      where: { retiredAt: null },
      orderBy: { createdAt: 'desc' },
    });
  }
}

async function newKeyRow() {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM };
  return { kid, algorithm: SIGNING_ALGORITHM, publicJwk, privateJwk };
}
