import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { App } from '@switchyard/service-kit';
import { startJwksServer, type JwksServer } from '@switchyard/testing';
import { SECURITY_HEADER_OPTIONS, securityHeadersOf } from '../src/plugins/security-headers.js';
import { startTestGateway } from './support.js';

/** GET a request target exactly as written (fetch and inject would resolve its dot segments). */
const rawStatus = (baseUrl: string, target: string) =>
  new Promise<number>((resolve, reject) => {
    const { hostname, port } = new URL(baseUrl);
    request({ hostname, port, path: target }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    })
      .on('error', reject)
      .end();
  });

/** A console build as Vite lays it out: the page, and hashed files under assets/. */
async function fakeBuild(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'console-build-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(
    path.join(dir, 'index.html'),
    '<!doctype html><title>Console</title><script type="module" src="/admin/assets/index-abc123.js"></script>',
  );
  await writeFile(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("console")');
  return dir;
}

describe('gateway: the staff console at /admin', () => {
  let jwks: JwksServer;
  beforeAll(async () => {
    jwks = await startJwksServer();
  });
  afterAll(() => jwks.close());

  describe('with a build', () => {
    let gateway: App;
    let baseUrl: string;
    let dir: string;
    beforeAll(async () => {
      dir = await fakeBuild();
      ({ gateway, baseUrl } = await startTestGateway(jwks, 'http://127.0.0.1:9', {
        CONSOLE_DIR: dir,
      }));
    });
    afterAll(async () => {
      await gateway.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('serves the page without a token for /admin and every client-side route, always revalidated', async () => {
      for (const url of ['/admin', '/admin/', '/admin/orders', '/admin/orders/0b6f1c52/x']) {
        const res = await gateway.inject({ url });
        expect([url, res.statusCode]).toEqual([url, 200]);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.headers['cache-control']).toBe('no-cache');
        expect(res.body).toContain('<title>Console</title>');
      }
    });

    it('serves hashed files as immutable, and a missing one as a problem, not the page', async () => {
      const asset = await gateway.inject({ url: '/admin/assets/index-abc123.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['content-type']).toMatch(/javascript/);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.body).toBe('console.log("console")');

      const missing = await gateway.inject({ url: '/admin/assets/index-gone.js' });
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it("sends the console's own strict Content-Security-Policy, the API keeps its own", async () => {
      const page = await gateway.inject({ url: '/admin/orders' });
      const csp = String(page.headers['content-security-policy']);
      expect(csp.split(';')).toEqual([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ]);
      expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
      const api = await gateway.inject({ url: '/healthz' });
      expect(api.headers['content-security-policy']).toBe(
        securityHeadersOf(SECURITY_HEADER_OPTIONS)['content-security-policy'],
      );
    });

    it('refuses a path that leaves the build', async () => {
      for (const target of [
        '/admin/assets/../index.html',
        '/admin/assets/%2e%2e/%2e%2e/package.json',
        '/admin/assets/..%2f..%2fpackage.json',
      ]) {
        expect([target, await rawStatus(baseUrl, target)]).toEqual([target, 400]);
      }
    });
  });

  describe('without a build', () => {
    it.each([
      ['a folder without index.html', 'missing'],
      ['no CONSOLE_DIR', ''],
    ])('starts, and answers /admin with a 404 problem saying so (%s)', async (_case, which) => {
      const dir = which ? await mkdtemp(path.join(tmpdir(), 'console-empty-')) : '';
      const { gateway } = await startTestGateway(jwks, 'http://127.0.0.1:9', { CONSOLE_DIR: dir });
      try {
        for (const url of ['/admin', '/admin/orders']) {
          const res = await gateway.inject({ url });
          expect([url, res.statusCode]).toEqual([url, 404]);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.json()).toMatchObject({
            code: 'NOT_FOUND',
            detail: 'The staff console is not built on this gateway',
          });
          expect(res.body).not.toContain(dir || 'console-');
        }
        expect((await gateway.inject({ url: '/healthz' })).statusCode).toBe(200);
      } finally {
        await gateway.close();
        if (dir) await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
