import { listOperations, pagingProbes, pagingViolations } from '../src/list-paging.js';
import type { OpenApiDocument } from '../src/operations.js';

/**
 * The paging check on its own, over small OpenAPI documents shaped as @fastify/swagger
 * publishes ours (TypeBox unions as anyOf, required properties listed): it must pass a list
 * that pages as docs/api-guide.md says and name each way a list does not.
 */
describe('the paging contract over an OpenAPI document', () => {
  const nullableString = { anyOf: [{ type: 'string' }, { type: 'null' }] };
  const page = {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: { items: { type: 'array', items: { type: 'object' } }, nextCursor: nullableString },
  };
  const limit = (maximum: number) => ({
    name: 'limit',
    in: 'query' as const,
    required: false,
    schema: { type: 'integer', minimum: 1, maximum, default: 20 },
  });
  const cursor = {
    name: 'cursor',
    in: 'query' as const,
    required: false,
    schema: { type: 'string', maxLength: 200 },
  };
  const list = (schema: object, parameters: object[]) => ({
    get: {
      parameters,
      responses: { '200': { content: { 'application/json': { schema } } } },
    },
  });
  const documentOf = (paths: Record<string, unknown>): OpenApiDocument =>
    ({ paths, components: { schemas: { Page: page } } }) as OpenApiDocument;

  it('passes lists that page alike, also through a $ref, and ignores what is not a list', () => {
    const document = documentOf({
      '/v1/things': list(page, [limit(100), cursor]),
      '/v1/others/{id}/things': list({ $ref: '#/components/schemas/Page' }, [limit(100), cursor]),
      '/v1/things/{id}': list({ type: 'object', properties: { id: { type: 'string' } } }, []),
    });
    expect(listOperations(document).map((l) => l.template)).toEqual([
      '/v1/things',
      '/v1/others/{id}/things',
    ]);
    expect(pagingViolations(document)).toEqual([]);
  });

  it('names each way a list breaks it', () => {
    const withoutCursor = {
      type: 'object',
      required: ['items'],
      properties: { items: { type: 'array' } },
    };
    const document = documentOf({
      '/v1/a': list(withoutCursor, []),
      '/v1/b': list(page, [limit(500)]),
      '/v1/c': list({ type: 'array', items: { type: 'object' } }, [limit(100), cursor]),
    });
    expect(pagingViolations(document)).toEqual([
      'GET /v1/a: does not answer { items, nextCursor: string | null }',
      'GET /v1/a: has no integer limit bounded 1–100',
      'GET /v1/a: has no cursor parameter',
      'GET /v1/b: has no integer limit bounded 1–100',
      'GET /v1/b: has no cursor parameter',
      'GET /v1/c: answers a bare array',
    ]);
  });

  it('probes each list with a limit just past each bound, as an admin', () => {
    const document = documentOf({ '/v1/others/{id}/things': list(page, [limit(100), cursor]) });
    expect(pagingProbes(document, 'tok').map((p) => [p.path, p.headers.authorization])).toEqual([
      ['/v1/others/00000000-0000-4000-8000-000000000000/things?limit=101', 'Bearer tok'],
      ['/v1/others/00000000-0000-4000-8000-000000000000/things?limit=0', 'Bearer tok'],
    ]);
  });
});
