import { resolver, type JsonSchema, type OpenApiDocument, type Parameter } from './operations.js';
import type { FuzzRequest } from './requests.js';

/**
 * The paging contract of docs/api-guide.md, read off the published OpenAPI document: every
 * list answers `{ items, nextCursor }` (nextCursor a string or null), takes `limit` bounded
 * 1–100 and takes `cursor` for the next page. A list is a GET whose 200 answer is an array or
 * an object with an `items` array.
 */

interface RawOperation {
  parameters?: Parameter[];
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
}

export interface ListOperation {
  template: string;
  parameters: Parameter[];
  /** The 200 answer's schema, `$ref`s resolved. */
  answer: JsonSchema;
}

const typesOf = (schema: JsonSchema): string[] =>
  Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];

/** Every GET of the document that answers a list. */
export function listOperations(document: OpenApiDocument): ListOperation[] {
  const resolve = resolver(document);
  const lists: ListOperation[] = [];
  for (const [template, item] of Object.entries(document.paths ?? {})) {
    const get = (item as Record<string, RawOperation>).get;
    const schema = get?.responses?.['200']?.content?.['application/json']?.schema;
    if (!get || !schema) continue;
    const answer = resolve(schema);
    const items = answer.properties?.items && resolve(answer.properties.items);
    if (typesOf(answer).includes('array') || (items && typesOf(items).includes('array')))
      lists.push({ template, parameters: get.parameters ?? [], answer });
  }
  return lists;
}

/** Does this schema accept a value of JSON type `type` (through anyOf/oneOf too)? */
function accepts(
  schema: JsonSchema,
  type: string,
  resolve: (s: JsonSchema) => JsonSchema,
): boolean {
  const s = resolve(schema);
  if (typesOf(s).includes(type)) return true;
  return [...(s.anyOf ?? []), ...(s.oneOf ?? [])].some((inner) => accepts(inner, type, resolve));
}

/** Every way the document's lists break the paging contract, one line each. */
export function pagingViolations(document: OpenApiDocument): string[] {
  const resolve = resolver(document);
  const violations: string[] = [];
  for (const list of listOperations(document)) {
    const where = `GET ${list.template}`;
    const { answer } = list;
    const nextCursor = answer.properties?.nextCursor;
    if (typesOf(answer).includes('array')) violations.push(`${where}: answers a bare array`);
    else if (
      !nextCursor ||
      !accepts(nextCursor, 'string', resolve) ||
      !accepts(nextCursor, 'null', resolve) ||
      !answer.required?.includes('items') ||
      !answer.required?.includes('nextCursor')
    )
      violations.push(`${where}: does not answer { items, nextCursor: string | null }`);
    const query = (name: string) =>
      list.parameters.find((p) => p.in === 'query' && p.name === name);
    const limit = query('limit');
    const limitSchema = limit && resolve(limit.schema);
    if (
      !limitSchema ||
      !typesOf(limitSchema).includes('integer') ||
      limitSchema.minimum !== 1 ||
      limitSchema.maximum !== 100
    )
      violations.push(`${where}: has no integer limit bounded 1–100`);
    const cursor = query('cursor');
    if (!cursor || !accepts(cursor.schema, 'string', resolve))
      violations.push(`${where}: has no cursor parameter`);
  }
  return violations;
}

/**
 * Requests every list must refuse with 400: a limit just past each bound. Sent as an admin (who
 * may read every list; the customer's lists are the admin's own); a path id is any UUID, since
 * the query is checked before anything is looked up.
 */
export function pagingProbes(document: OpenApiDocument, adminToken: string): FuzzRequest[] {
  const anyId = '00000000-0000-4000-8000-000000000000';
  return listOperations(document).flatMap((list) =>
    ['101', '0'].map((limit) => ({
      method: 'GET',
      path: `${list.template.replace(/\{[^}]+\}/g, anyId)}?limit=${limit}`,
      headers: { authorization: `Bearer ${adminToken}` },
    })),
  );
}
