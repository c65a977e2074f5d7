/** A JSON Schema as the OpenAPI document carries it (the subset our schemas use). */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

/** One operation of the public API, as the fuzzer drives it. */
export interface Operation {
  method: string;
  template: string;
  parameters: Parameter[];
  body: JsonSchema | null;
  bodyMediaType: string | null;
  secured: boolean;
}

interface OpenApiOperation {
  parameters?: (Parameter & { $ref?: string })[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
}

export interface OpenApiDocument {
  paths?: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Follow `$ref`s into the document's components. */
export function resolver(document: OpenApiDocument) {
  return function resolve(schema: JsonSchema): JsonSchema {
    let current = schema;
    for (let depth = 0; current.$ref && depth < 20; depth++) {
      const name = current.$ref.split('/').pop()!;
      const target = document.components?.schemas?.[name];
      if (!target) break;
      current = target;
    }
    return current;
  };
}

/** Every operation the gateway publishes (SSE streams excluded: they never end). */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op || template.endsWith('/stream')) continue;
      const content = op.requestBody?.content ?? {};
      const bodyMediaType =
        ['application/json', 'application/x-www-form-urlencoded'].find((m) => content[m]) ?? null;
      operations.push({
        method: method.toUpperCase(),
        template,
        parameters: (op.parameters ?? []).filter((p) => ['path', 'query', 'header'].includes(p.in)),
        body: bodyMediaType ? (content[bodyMediaType]!.schema ?? null) : null,
        bodyMediaType,
        secured: Boolean(op.security?.length),
      });
    }
  }
  return operations;
}
