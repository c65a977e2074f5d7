import { Type } from '@sinclair/typebox';
import { createApp } from '../src/index.js';

interface Parameter {
  in: string;
  name: string;
  required: boolean;
}

describe('the OpenAPI document of a service', () => {
  it('documents a query parameter with a default as optional, since the server fills it in', async () => {
    const app = await createApp({ service: 'docs-test', logLevel: 'silent' });
    app.get(
      '/v1/things',
      {
        schema: {
          querystring: Type.Object(
            {
              limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
              q: Type.String(),
              cursor: Type.Optional(Type.String()),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ limit: Type.Integer() }) },
        },
      },
      async (request) => ({ limit: (request.query as { limit: number }).limit }),
    );
    await app.ready();
    const document = (await app.inject({ url: '/openapi.json' })).json();
    const parameters = document.paths['/v1/things'].get.parameters as Parameter[];
    expect(parameters.map((p) => [p.name, p.required])).toEqual([
      ['limit', false],
      ['q', true],
      ['cursor', false],
    ]);
    // The route itself is unchanged: without limit it answers with the default.
    const res = await app.inject({ url: '/v1/things?q=x' });
    expect(res.json()).toEqual({ limit: 20 });
    expect((await app.inject({ url: '/v1/things' })).statusCode).toBe(400);
    await app.close();
  });
});
