// The built client in a real browser (Debian's chromium, headless): the runtime must load as
// plain ES modules there — no Node built-in, no Node global — and do what it does in Node.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { json, startScriptedApi } from './scripted-api.js';

const run = promisify(execFile);
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const openapiFetch = path.join(
  path.dirname(createRequire(import.meta.url).resolve('openapi-fetch')),
  'index.mjs',
);

// The page an integrator's app would be: the client from its dist, openapi-fetch by import map.
const page = `<!doctype html>
<script type="importmap">{ "imports": { "openapi-fetch": "/openapi-fetch.mjs" } }</script>
<script type="module">
  import { createSwitchyardClient, SwitchyardProblem } from '/client/index.js';
  const api = createSwitchyardClient({ baseUrl: location.origin, token: 'browser-token' });
  const result = {};
  try {
    result.list = (await api.GET('/v1/orders')).data;
    const placed = await api.placeOrder({ lines: [], paymentMethod: 'pm_card_visa' });
    result.placed = { id: placed.order.id, key: placed.idempotencyKey, replayed: placed.replayed };
    await api.GET('/v1/orders/{id}', { params: { path: { id: 'missing' } } }).catch((e) => {
      result.problem = { typed: e instanceof SwitchyardProblem, status: e.status, code: e.code };
    });
  } catch (error) {
    result.error = String(error);
  }
  document.body.textContent = JSON.stringify(result);
</script>`;

describe('the client in a browser', () => {
  it('loads without Node and calls the API: bearer token, Idempotency-Key, typed problems', async () => {
    if (!existsSync(chromium))
      throw new Error(`no Chromium at ${chromium}: apt-get install chromium, or set CHROMIUM_PATH`);
    const api = await startScriptedApi((request, res) => {
      if (request.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
      const file =
        request.url === '/openapi-fetch.mjs'
          ? openapiFetch
          : request.url.startsWith('/client/')
            ? path.join(dist, request.url.slice('/client/'.length))
            : null;
      if (file)
        return void readFile(file).then(
          (content) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(content),
          () => res.writeHead(404).end(),
        );
      if (request.url === '/v1/orders' && request.method === 'GET')
        return json(res, 200, { items: [], nextCursor: null });
      if (request.url === '/v1/orders')
        return res
          .writeHead(201, { 'content-type': 'application/json', 'idempotent-replayed': 'true' })
          .end(JSON.stringify({ id: 'o-1' }));
      json(
        res,
        404,
        { type: 'about:blank', title: 'Not found', status: 404, code: 'NOT_FOUND' },
        'application/problem+json',
      );
    });
    const profile = await mkdtemp(path.join(tmpdir(), 'client-chromium-'));
    try {
      const { stdout } = await run(
        chromium,
        [
          '--headless',
          '--no-sandbox', // tests may run as root
          '--disable-gpu',
          `--user-data-dir=${profile}`,
          // Virtual time stands still while a fetch is pending: the DOM is dumped once the
          // page's calls are done.
          '--virtual-time-budget=10000',
          '--dump-dom',
          `${api.baseUrl}/`,
        ],
        { timeout: 60_000 },
      );
      const body = /<body>([\s\S]*)<\/body>/.exec(stdout)?.[1] ?? '';
      if (!body.startsWith('{'))
        throw new Error(`the page's script did not finish (a module failed to load?):\n${stdout}`);
      const result = JSON.parse(body.replaceAll('&quot;', '"'));
      expect(result).toEqual({
        list: { items: [], nextCursor: null },
        placed: { id: 'o-1', key: expect.stringMatching(/^[0-9a-f-]{36}$/), replayed: true },
        problem: { typed: true, status: 404, code: 'NOT_FOUND' },
      });
      const calls = api.received.filter((r) => r.url.startsWith('/v1/'));
      expect(calls.map((r) => r.headers.authorization)).toEqual([
        'Bearer browser-token',
        'Bearer browser-token',
        'Bearer browser-token',
      ]);
      expect(calls[1]!.headers['idempotency-key']).toBe(result.placed.key);
    } finally {
      await api.close();
      await rm(profile, { recursive: true, force: true });
    }
  });
});
