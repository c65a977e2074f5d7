import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets that must not sit anywhere in plain text — webhook signing secrets at rest, reset
 * tokens on their way from auth to the email that carries them: AES-256-GCM under a key from
 * the environment (32 bytes, base64), so a database dump, a Kafka topic or a dead-letter queue
 * alone reveals nothing. Sealed as base64url `iv.tag.ciphertext`; node:crypto does the work.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(keyBase64: string, keyName = 'the key') {
    this.key = Buffer.from(keyBase64, 'base64');
    if (this.key.length !== 32) throw new Error(`${keyName} must be 32 bytes, base64`);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
  }

  open(sealed: string): string {
    const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv!);
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8');
  }
}
