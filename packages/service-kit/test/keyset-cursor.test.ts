import {
  cursorParam,
  cursorTimeOf,
  decodeCursor,
  encodeCursor,
  keysetPage,
} from '../src/keyset-cursor.js';

describe('keyset cursors', () => {
  const position = {
    createdAt: new Date('2026-11-22T10:00:00.000Z'),
    id: '6f1c1f4e-6a4b-4a43-9d6e-2b7d8f7b1a11',
  };

  it('round-trips a position through an opaque cursor', () => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('refuses anything that is not one of our cursors', () => {
    expect(decodeCursor('garbage')).toBeNull();
    expect(
      decodeCursor(
        Buffer.from(`${position.createdAt.toISOString()}|1 OR 1=1`).toString('base64url'),
      ),
    ).toBeNull();
    expect(decodeCursor(Buffer.from(`yesterday|${position.id}`).toString('base64url'))).toBeNull();
    expect(() => cursorParam('garbage')).toThrow('cursor is not valid');
    expect(cursorParam(undefined)).toBeNull();
  });

  it('takes ids of another shape when the list names it, and only that shape', () => {
    const client = { createdAt: position.createdAt, id: 'cli_0123456789abcdef01234567' };
    const clientId = /^cli_[0-9a-f]{24}$/;
    expect(decodeCursor(encodeCursor(client), clientId)).toEqual(client);
    expect(decodeCursor(encodeCursor(client))).toBeNull();
    expect(decodeCursor(encodeCursor(position), clientId)).toBeNull();
  });

  it('puts any time a cursor cannot carry at the earliest one it can', () => {
    const earliest = new Date('2020-01-01T00:00:00.000Z');
    expect(cursorTimeOf(position.createdAt)).toEqual(position.createdAt);
    for (const at of [new Date(-1), new Date('2019-12-31T23:59:59.999Z'), new Date(NaN)])
      expect(cursorTimeOf(at)).toEqual(earliest);
    expect(cursorTimeOf(new Date(Date.now() + 30 * 86_400_000))).toEqual(earliest);
    expect(
      decodeCursor(encodeCursor({ ...position, createdAt: cursorTimeOf(new Date(-1)) })),
    ).not.toBeNull();
  });

  describe('keysetPage', () => {
    const rows = [1, 2, 3].map((n) => ({
      createdAt: new Date(Date.UTC(2026, 10, 22, 10, n)),
      id: `6f1c1f4e-6a4b-4a43-9d6e-2b7d8f7b1a1${n}`,
    }));

    it('cuts a fetch of limit + 1 rows to limit, with the cursor of the last row it keeps', () => {
      const page = keysetPage(rows, 2);
      expect(page.items).toEqual(rows.slice(0, 2));
      expect(decodeCursor(page.nextCursor!)).toEqual(rows[1]);
    });

    it('has no next cursor when the fetch found no more than limit rows', () => {
      expect(keysetPage(rows, 3)).toEqual({ items: rows, nextCursor: null });
      expect(keysetPage(rows, 5)).toEqual({ items: rows, nextCursor: null });
      expect(keysetPage([], 5)).toEqual({ items: [], nextCursor: null });
    });

    it("makes the cursor with the list's own cursorOf when it has one", () => {
      const clients = rows.map((r, n) => ({ createdAt: r.createdAt, clientId: `cli_${n}` }));
      const page = keysetPage(clients, 1, (c) => `after-${c.clientId}`);
      expect(page).toEqual({ items: [clients[0]], nextCursor: 'after-cli_0' });
    });
  });
});
