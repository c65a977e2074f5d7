import { createApp } from '../src/index.js';

/** Every process built by createApp writes one line per request, when it is answered. */
describe('the request log of a service', () => {
  it('writes one line per request at info, with what was asked and answered', async () => {
    const lines: Record<string, any>[] = [];
    const app = await createApp({
      service: 'test',
      logLevel: 'info',
      logStream: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    app.get('/things', async () => ({ ok: true }));
    try {
      const res = await app.inject({ url: '/things' });
      const written = lines.filter((l) => l.reqId === res.headers['x-request-id']);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({
        level: 30,
        msg: 'request completed',
        req: { method: 'GET', url: '/things' },
        res: { statusCode: 200 },
      });
      const missing = await app.inject({ url: '/nothing-here' });
      expect(lines.filter((l) => l.reqId === missing.headers['x-request-id'])).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});
