// The hash chain's arithmetic, without a database: what an entry's hash covers, that it does
// not depend on how the fields were spelled, and what is stored of the values it hashes.
import { createHash } from 'node:crypto';
import {
  changedFields,
  cleanJson,
  entryHash,
  GENESIS_HASH,
  REDACTED,
  type HashedFields,
} from '../src/index.js';

const entry: HashedFields = {
  id: '0b7c2a4e-9d1f-4c3a-8e5b-6f7a8b9c0d1e',
  stream: 'auth',
  seq: '7',
  occurredAt: '2026-12-04T10:00:00.123Z',
  actor: { type: 'admin', id: 'a1' },
  action: 'user.role_granted',
  target: { type: 'user', id: 'u1' },
  changes: { roles: { before: ['customer'], after: ['customer', 'admin'] } },
  details: { role: 'admin' },
  ip: '203.0.113.9',
  userAgent: 'curl/8.5',
  requestId: 'req-1',
  traceId: null,
  prevHash: GENESIS_HASH,
};

describe('entryHash', () => {
  it('is SHA-256 over the format name and the RFC 8785 canonical JSON of the fields', () => {
    // Written out by hand: keys sorted by code point at every level, no spaces.
    const canonical =
      '{"action":"user.role_granted","actor":{"id":"a1","type":"admin"},' +
      '"changes":{"roles":{"after":["customer","admin"],"before":["customer"]}},' +
      '"details":{"role":"admin"},"id":"0b7c2a4e-9d1f-4c3a-8e5b-6f7a8b9c0d1e",' +
      '"ip":"203.0.113.9","occurredAt":"2026-12-04T10:00:00.123Z",' +
      `"prevHash":"${GENESIS_HASH}","requestId":"req-1","seq":"7","stream":"auth",` +
      '"target":{"id":"u1","type":"user"},"traceId":null,"userAgent":"curl/8.5"}';
    const expected = createHash('sha256').update(`switchyard-audit-v1\n${canonical}`).digest('hex');
    expect(entryHash(entry)).toBe(expected);
  });

  it('does not depend on the order the fields were read in', () => {
    const reordered = {
      ...entry,
      changes: { roles: { after: ['customer', 'admin'], before: ['customer'] } },
      actor: { id: 'a1', type: 'admin' as const },
    };
    expect(entryHash(reordered)).toBe(entryHash(entry));
  });

  it('changes with every field it covers, the link to the entry before included', () => {
    const variants: Partial<HashedFields>[] = [
      { id: '1b7c2a4e-9d1f-4c3a-8e5b-6f7a8b9c0d1e' },
      { stream: 'order' },
      { seq: '8' },
      { occurredAt: '2026-12-04T10:00:00.124Z' },
      { actor: { type: 'user', id: 'a1' } },
      { actor: { type: 'admin', id: 'a2' } },
      { action: 'user.role_revoked' },
      { target: { type: 'user', id: 'u2' } },
      { target: null },
      { changes: { roles: { before: ['customer'], after: ['admin'] } } },
      { changes: null },
      { details: { role: 'customer' } },
      { ip: '203.0.113.10' },
      { userAgent: 'curl/8.6' },
      { requestId: 'req-2' },
      { traceId: '4bf92f3577b34da6a3ce929d0e0e4736' },
      { prevHash: 'f'.repeat(64) },
    ];
    const hashes = new Set(variants.map((v) => entryHash({ ...entry, ...v })));
    expect(hashes.size).toBe(variants.length);
    expect(hashes.has(entryHash(entry))).toBe(false);
  });
});

describe('cleanJson', () => {
  it('stores a field named for a secret as [redacted], at any depth, and nothing else', () => {
    const cleaned = cleanJson({
      password: 'hunter2 hunter2',
      passwordHash: '$argon2id$v=19$…',
      clientSecret: 'sec_abc',
      nested: { refreshToken: 'tok', tokenHash: 'ab12', list: [{ newPassword: 'x' }] },
      previousSecretExpiresAt: '2026-12-05T10:00:00.000Z',
      role: 'admin',
    });
    expect(cleaned).toEqual({
      password: REDACTED,
      passwordHash: REDACTED,
      clientSecret: REDACTED,
      nested: { refreshToken: REDACTED, tokenHash: REDACTED, list: [{ newPassword: REDACTED }] },
      previousSecretExpiresAt: '2026-12-05T10:00:00.000Z',
      role: 'admin',
    });
  });

  it('keeps only what PostgreSQL stores as given: JSON values, no NUL, no lone surrogate', () => {
    const at = new Date('2026-12-04T10:00:00.000Z');
    expect(
      cleanJson({ at, gone: undefined, name: 'a\u0000b', odd: 'x\uD800y', fine: '😀' }),
    ).toEqual({ at: '2026-12-04T10:00:00.000Z', name: 'ab', odd: 'x\uFFFDy', fine: '😀' });
    expect(cleanJson(null)).toBeNull();
  });
});

describe('changedFields', () => {
  it('gives before and after of the listed fields that differ, compared by value', () => {
    const before = { roles: ['customer'], disabled: false, name: 'Ada' };
    const after = { roles: ['customer', 'admin'], disabled: false, name: 'Ada' };
    expect(changedFields(before, after, ['roles', 'disabled', 'name'])).toEqual({
      roles: { before: ['customer'], after: ['customer', 'admin'] },
    });
    expect(changedFields(before, { ...before, roles: ['customer'] }, ['roles'])).toEqual({});
  });

  it('gives every listed field with a before of null for a thing just created', () => {
    expect(changedFields(null, { name: 'warehouse', scopes: [] }, ['name', 'scopes'])).toEqual({
      name: { before: null, after: 'warehouse' },
      scopes: { before: null, after: [] },
    });
  });
});
