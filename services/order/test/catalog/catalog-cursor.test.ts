import { randomUUID } from 'node:crypto';
import { AppError } from '@switchyard/service-kit';
import {
  decodeCatalogCursor,
  encodeCatalogCursor,
} from '../../src/catalog/search/catalog-cursor.js';

const id = randomUUID();
const search = 'a1b2c3d4e5f60718';

describe('catalog cursors', () => {
  it('take back the position they were made from, for every sort', () => {
    const positions = [
      { sort: 'price_asc', key: 1250 },
      { sort: 'price_desc', key: 0 },
      { sort: 'newest', key: '2026-03-01T10:00:00.123456Z' },
      { sort: 'relevance', key: '0.0607927' },
      { sort: 'relevance', key: '1e-20' },
    ] as const;
    for (const { sort, key } of positions) {
      const cursor = encodeCatalogCursor({ sort, key, id, search });
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(cursor.length).toBeLessThanOrEqual(200);
      expect(decodeCatalogCursor(cursor, { sort, search })).toEqual({ key, id });
    }
  });

  it('keeps the SKU order’s cursor as it always was: the last SKU, base64url', () => {
    const cursor = encodeCatalogCursor({ sort: 'sku', key: 'MUG-001', id, search });
    expect(cursor).toBe(Buffer.from('MUG-001').toString('base64url'));
    expect(decodeCatalogCursor(cursor, { sort: 'sku', search: 'other' })).toEqual({
      key: 'MUG-001',
      id: '',
    });
  });

  const refused = (cursor: string, sort = 'newest' as const) => {
    try {
      decodeCatalogCursor(cursor, { sort, search });
    } catch (error) {
      return error instanceof AppError && error.status === 400 ? error.detail : 'other error';
    }
    return 'accepted';
  };
  const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('refuses one made for another sort or another search', () => {
    const cursor = encodeCatalogCursor({ sort: 'price_asc', key: 100, id, search });
    expect(refused(cursor)).toMatch(/another search/);
    const other = encodeCatalogCursor({
      sort: 'newest',
      key: '2026-03-01T10:00:00.123456Z',
      id,
      search: 'ffffffffffffffff',
    });
    expect(refused(other)).toMatch(/another search/);
    expect(refused(Buffer.from('MUG-001').toString('base64url'))).toMatch(/not valid/);
  });

  it('refuses anything it did not make', () => {
    for (const cursor of [
      'not a cursor',
      '',
      'x'.repeat(400),
      raw({ sort: 'newest' }),
      raw(['newest', '2026-03-01T10:00:00.123456Z', id]),
      raw(['newest', '2026-03-01T10:00:00.123456Z', id, search, 'extra']),
      raw(['newest', '2026-13-01T10:00:00.123456Z', id, search]),
      raw(['newest', '2026-03-01T10:00:00.123Z', id, search]),
      raw(['newest', '2026-03-01T10:00:00.123456Z', 'not-a-uuid', search]),
      raw(['newest', 1234, id, search]),
    ]) {
      expect({ cursor, outcome: refused(cursor) }).toEqual({
        cursor,
        outcome: expect.stringMatching(/not valid/),
      });
    }
    for (const key of [-1, 1.5, 2 ** 31, '100']) {
      expect(refused(raw(['price_asc', key, id, search]), 'price_asc' as never)).toMatch(
        /not valid/,
      );
    }
    for (const key of ['NaN', '-1', '1e400', 'abc', 0.5]) {
      expect(refused(raw(['relevance', key, id, search]), 'relevance' as never)).toMatch(
        /not valid/,
      );
    }
  });
});
