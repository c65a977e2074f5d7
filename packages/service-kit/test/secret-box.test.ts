import { createCipheriv, randomBytes } from 'node:crypto';
import { assertSeparateKeyrings, SecretBox } from '../src/secret-box.js';

const newKey = () => randomBytes(32).toString('base64');

/** A value sealed the way SecretBox sealed before key ids: base64url `iv.tag.ciphertext`. */
function sealedWithoutKeyId(keyBase64: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyBase64, 'base64'), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
}

describe('SecretBox: a keyring of sealing keys', () => {
  const older = newKey();
  const newer = newKey();

  it('names the key in every value it seals, and seals with the newest (first) key', () => {
    const ring = new SecretBox([newer, older]);
    const sealed = ring.seal('s3cret');
    expect(sealed.split('.')).toHaveLength(4);
    expect(ring.keyIdOf(sealed)).toBe(new SecretBox(newer).currentKeyId);
    expect(ring.isCurrent(sealed)).toBe(true);
    expect(new SecretBox(newer).open(sealed)).toBe('s3cret');
    expect(() => new SecretBox(older).open(sealed)).toThrow(/not in the keyring/);
  });

  it('opens a value sealed under any key it lists (rotation: the old key kept for opening)', () => {
    const before = new SecretBox(older).seal('sealed before the rotation');
    const ring = new SecretBox([newer, older]);
    expect(ring.open(before)).toBe('sealed before the rotation');
    expect(ring.isCurrent(before)).toBe(false);
  });

  it('opens values sealed before key ids existed, under any listed key', () => {
    const legacy = sealedWithoutKeyId(older, 'from an old row');
    expect(new SecretBox([newer, older]).open(legacy)).toBe('from an old row');
    expect(new SecretBox(older).open(legacy)).toBe('from an old row');
    expect(new SecretBox([newer, older]).keyIdOf(legacy)).toBeNull();
    expect(new SecretBox([newer, older]).isCurrent(legacy)).toBe(false);
    expect(() => new SecretBox(newer).open(legacy)).toThrow();
  });

  it('reads a keyring from one variable: comma-separated, newest first', () => {
    const ring = new SecretBox(`${newer},${older}`, 'RESET_TOKEN_SEALING_KEY');
    expect(ring.currentKeyId).toBe(new SecretBox(newer).currentKeyId);
    expect(ring.open(new SecretBox(older).seal('x'))).toBe('x');
  });

  it('refuses a tampered value, and a malformed key with the variable named', () => {
    const ring = new SecretBox(newer);
    const [id, iv, tag, data] = ring.seal('payload').split('.');
    const flipped = Buffer.from(data!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => ring.open([id, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
    expect(() => ring.open('not.sealed')).toThrow();
    expect(() => new SecretBox('c2hvcnQ=', 'WEBHOOK_SECRETS_KEY')).toThrow(
      'WEBHOOK_SECRETS_KEY must be 32 bytes, base64',
    );
    expect(() => new SecretBox([], 'WEBHOOK_SECRETS_KEY')).toThrow(/WEBHOOK_SECRETS_KEY/);
    expect(() => new SecretBox(`${newer},${newer}`, 'X')).toThrow(/twice/);
  });

  it('refuses a value whose authentication tag was cut short (GCM accepts 4 bytes by default)', () => {
    const ring = new SecretBox(newer);
    const [id, iv, tag, data] = ring.seal('payload').split('.');
    const short = Buffer.from(tag!, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => ring.open([id, iv, short, data].join('.'))).toThrow();
    const legacy = sealedWithoutKeyId(newer, 'old').split('.');
    const cut = Buffer.from(legacy[1]!, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => ring.open([legacy[0], cut, legacy[2]].join('.'))).toThrow();
  });

  it('refuses two secrets sharing a key, naming both variables', () => {
    const shared = newKey();
    expect(() =>
      assertSeparateKeyrings({
        SIGNING_KEY_SEALING_KEY: new SecretBox(`${newer},${shared}`),
        RESET_TOKEN_SEALING_KEY: new SecretBox(shared),
      }),
    ).toThrow(
      'SIGNING_KEY_SEALING_KEY and RESET_TOKEN_SEALING_KEY share a key: each secret needs keys of its own',
    );
    expect(() =>
      assertSeparateKeyrings({ A: new SecretBox(newer), B: new SecretBox(older) }),
    ).not.toThrow();
  });
});
