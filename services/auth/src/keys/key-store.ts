import {
  createLocalJWKSet,
  importJWK,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import type { SecretBox } from '@switchyard/service-kit';
import { AUTH_SERVICE } from '../audit/actors.js';
import { recordAuthEvent, signingKeyTarget } from '../audit/record-auth-event.js';
import type { Db } from '../db.js';
import { newSigningKey, SIGNING_ALGORITHM } from './new-signing-key.js';
import { needsSealing, privateJwkOf, sealStoredKeys } from './sealed-private-keys.js';

export { SIGNING_ALGORITHM };

// Serialises first-key creation across replicas starting at once.
const KEY_CREATION_LOCK = 41_337_001;

interface ActiveKey {
  kid: string;
  privateKey: CryptoKey;
}

/**
 * The auth service's signing keys, kept in its own database so every replica signs with the
 * same keys. The newest key whose activation time has come signs; every unretired key (also
 * one not yet active) is published in the JWKS. Replicas reread the table periodically, so a
 * rotation reaches them without a restart. Private halves are stored sealed (SIGNING_KEY_SEALING_KEY);
 * a load seals any a previous version left in plain JSON, and reseals any sealed under an
 * older key of the keyring, so rotating the sealing key needs no tool.
 */
export class KeyStore {
  private active: ActiveKey | null = null;
  private publicSet: JSONWebKeySet = { keys: [] };
  private verifier: JWTVerifyGetKey = createLocalJWKSet({ keys: [] });
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly sealing: SecretBox,
  ) {}

  /** Load keys, creating the first one if the database has none. */
  async load(): Promise<void> {
    let keys = await this.liveKeys();
    if (keys.length === 0) {
      await this.db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock($1)', KEY_CREATION_LOCK);
        if ((await tx.signingKey.count({ where: { retiredAt: null } })) === 0) {
          const key = await tx.signingKey.create({ data: await newSigningKey(this.sealing) });
          await recordAuthEvent(tx, AUTH_SERVICE, {
            action: 'signing_key.created',
            target: signingKeyTarget(key.kid),
          });
        }
      });
      keys = await this.liveKeys();
    }
    if (keys.some((k) => needsSealing(k, this.sealing))) {
      await sealStoredKeys(this.db, this.sealing);
      keys = await this.liveKeys();
    }
    const now = new Date();
    const signing = keys.find((k) => k.activatesAt <= now) ?? keys[keys.length - 1]!;
    if (signing.kid !== this.active?.kid) {
      this.active = {
        kid: signing.kid,
        privateKey: (await importJWK(
          privateJwkOf(signing, this.sealing),
          SIGNING_ALGORITHM,
        )) as CryptoKey,
      };
    }
    this.publicSet = { keys: keys.map((k) => k.publicJwk as JWK) };
    this.verifier = createLocalJWKSet(this.publicSet);
  }

  /** Reload every `intervalMs` (errors are reported, the last good keys stay in use). */
  startReloading(intervalMs: number, onError: (error: unknown) => void): void {
    this.timer = setInterval(() => this.load().catch(onError), intervalMs);
    this.timer.unref();
  }

  stopReloading(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
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

  /** Unretired keys, newest activation first. */
  private liveKeys() {
    return this.db.signingKey.findMany({
      where: { retiredAt: null },
      orderBy: { activatesAt: 'desc' },
    });
  }
}
