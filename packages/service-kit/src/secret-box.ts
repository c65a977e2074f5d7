import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

interface RingKey {
  id: string;
  key: Buffer;
}

/**
 * A key's id: derived from the key (a hash no one can turn back into it), so a keyring needs
 * no names that could be mixed up, and the same key has the same id in every service.
 */
function keyIdOf(key: Buffer): string {
  return createHash('sha256')
    .update('switchyard secret-box key id\0')
    .update(key)
    .digest('hex')
    .slice(0, 16);
}

/**
 * Secrets that must not sit anywhere in plain text — webhook signing secrets at rest, reset
 * tokens on their way from auth to the email that carries them, token signing keys — sealed
 * with AES-256-GCM under a key from the environment (32 bytes, base64), so a database dump, a
 * Kafka topic or a dead-letter queue alone reveals nothing. node:crypto does the work.
 *
 * The keys form a keyring, newest first (one variable, comma-separated): values are sealed
 * with the newest and name its id (base64url `keyId.iv.tag.ciphertext`); any listed key opens
 * what it sealed. So a key is rotated without losing data in flight: list the new key after
 * the old everywhere, then first, then drop the old once nothing sealed under it is left.
 * Values sealed before key ids existed (`iv.tag.ciphertext`) still open: each listed key is
 * tried, the GCM tag telling the right one.
 */
export class SecretBox {
  private readonly keys: RingKey[];

  constructor(keys: string | readonly string[], keyName = 'the key') {
    const list = typeof keys === 'string' ? keys.split(',') : keys;
    this.keys = list.map((value) => {
      const key = Buffer.from(value.trim(), 'base64');
      if (key.length !== 32) throw new Error(`${keyName} must be 32 bytes, base64`);
      return { id: keyIdOf(key), key };
    });
    if (this.keys.length === 0) throw new Error(`${keyName} must list at least one key`);
    if (new Set(this.keys.map((k) => k.id)).size !== this.keys.length)
      throw new Error(`${keyName} lists a key twice`);
  }

  /** Ids of every key in the ring. */
  get keyIds(): string[] {
    return this.keys.map((k) => k.id);
  }

  /** The id of the key new values are sealed with (the newest). */
  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  seal(plain: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [id, ...[iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'))].join('.');
  }

  open(sealed: string): string {
    const parts = sealed.split('.');
    if (parts.length === 4) {
      const [id, ...rest] = parts;
      const ring = this.keys.find((k) => k.id === id);
      if (!ring) throw new Error(`sealed under key ${id}, which is not in the keyring`);
      return decrypt(ring.key, rest);
    }
    if (parts.length !== 3) throw new Error('not a sealed value');
    // Sealed before key ids: whichever listed key authenticates it.
    for (const { key } of this.keys) {
      try {
        return decrypt(key, parts);
      } catch {
        // not this key
      }
    }
    throw new Error('no key in the keyring opens this value');
  }

  /** The id of the key a value was sealed with; null for a value sealed before key ids. */
  keyIdOf(sealed: string): string | null {
    const parts = sealed.split('.');
    return parts.length === 4 ? parts[0]! : null;
  }

  /** Sealed with the newest key: nothing to do for it when an older key is dropped. */
  isCurrent(sealed: string): boolean {
    return this.keyIdOf(sealed) === this.currentKeyId;
  }
}

/**
 * Throw unless no two of these keyrings share a key: a process that holds two secrets must not
 * let one key open both (notification holds the reset-token key; were it also auth's signing-key
 * sealing key, a database dump and notification's environment would yield the signing keys).
 */
export function assertSeparateKeyrings(rings: Record<string, SecretBox>): void {
  const seen = new Map<string, string>();
  for (const [name, ring] of Object.entries(rings))
    for (const id of ring.keyIds) {
      const other = seen.get(id);
      if (other && other !== name)
        throw new Error(`${other} and ${name} share a key: each secret needs keys of its own`);
      seen.set(id, name);
    }
}

/** GCM's full 16-byte tag: Node would otherwise accept one cut down to 4 bytes (a forgery aid). */
const TAG_BYTES = 16;

function decrypt(key: Buffer, parts: string[]): string {
  const [iv, tag, data] = parts.map((p) => Buffer.from(p, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', key, iv!, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag!);
  return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8');
}
