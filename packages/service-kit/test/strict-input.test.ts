// The checks every route gets before validation (plugins/strict-input.ts): NUL anywhere, and
// bodies nested deeper than any of our schemas, each a 400 problem — never a 500.
import { Type } from '@sinclair/typebox';
import { createApp, MAX_INPUT_DEPTH, type App } from '../src/index.js';

const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number, leaf = '1') =>
  '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);

describe('strict input', () => {
  let app: App;
  beforeAll(async () => {
    // Room for a million levels, so the depth check (not the body limit) is what answers.
    app = await createApp({ service: 'test', logLevel: 'silent', bodyLimit: 16 * 1024 * 1024 });
    app.post(
      '/login',
      {
        schema: {
          body: Type.Object({ email: Type.String() }, { additionalProperties: false }),
        },
      },
      async () => ({ ok: true }),
    );
    app.post('/anything', { schema: { body: Type.Object({ a: Type.Unknown() }) } }, async () => ({
      ok: true,
    }));
  });
  afterAll(() => app.close());

  const post = (url: string, payload: string) =>
    app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });

  it.each([
    ['arrays 10^5 deep', nestedArrays(1e5)],
    ['arrays 10^6 deep', nestedArrays(1e6)],
    ['objects 10^5 deep', nestedObjects(1e5)],
    ['objects 10^6 deep', nestedObjects(1e6)],
  ])('refuses a body of %s with a 400 problem', async (_, payload) => {
    for (const url of ['/login', '/anything']) {
      const res = await post(url, payload);
      expect({ url, status: res.statusCode }).toEqual({ url, status: 400 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        detail: `body nests deeper than ${MAX_INPUT_DEPTH} levels`,
      });
    }
  });

  it('accepts a body exactly as deep as the limit, and refuses one level more', async () => {
    // The top-level object is level 1.
    expect((await post('/anything', nestedObjects(MAX_INPUT_DEPTH, '"x"'))).statusCode).toBe(200);
    expect((await post('/anything', nestedObjects(MAX_INPUT_DEPTH + 1, '"x"'))).statusCode).toBe(
      400,
    );
  });

  it('still finds a NUL at any depth, in keys and in values', async () => {
    const inValue = await post('/anything', nestedObjects(40, '"a\\u0000b"'));
    expect(inValue.statusCode).toBe(400);
    expect(inValue.json().detail).toBe(`body${'/a'.repeat(40)} must not contain NUL characters`);
    const inKey = await post('/anything', '{"a":{"b\\u0000":1}}');
    expect(inKey.statusCode).toBe(400);
    expect(inKey.json().code).toBe('VALIDATION_FAILED');
  });

  it('names where the NUL is with an RFC 6901 pointer, ~ and / in keys escaped', async () => {
    const res = await post('/anything', '{"a":{"x/y":{"m~n":{"~/":"nul\\u0000"}}}}');
    expect(res.statusCode).toBe(400);
    const at = 'body/a/x~1y/m~0n/~0~1';
    expect(res.json()).toMatchObject({ detail: `${at} must not contain NUL characters` });
    expect(JSON.stringify(res.json())).toContain(`"path":"${at}"`);
    const inKey = await post('/anything', '{"a":{"b/\\u0000~":1}}');
    expect(inKey.json().detail).toBe('body/a/b~1\u0000~0 must not contain NUL characters');
  });

  it('checks a wide body without recursion limits of its own', async () => {
    const wide = JSON.stringify({ a: Array.from({ length: 50_000 }, (_, i) => ({ i })) });
    expect((await post('/anything', wide)).statusCode).toBe(200);
  });
});
