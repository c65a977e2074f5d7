import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

/** One request and the answer it got, as a client saw it. */
export interface Exchange {
  method: string;
  /** The path and query as sent (e.g. /v1/orders/3f…?limit=5). */
  target: string;
  status: number;
  contentType: string | null;
  body: unknown;
}

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  pointer: string;
  responses: Record<string, { content?: Record<string, unknown> }>;
}

interface Document {
  paths?: Record<string, Record<string, { responses?: Operation['responses'] }>>;
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * Checks answers against the published OpenAPI document with Ajv (JSON Schema 2020-12, which
 * OpenAPI 3.1 uses): the operation must document the status (exactly, as a range like 4XX, or
 * as default), and a JSON body must match the schema documented for that status and media type.
 */
export class OpenApiConformance {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  private readonly operations: Operation[] = [];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: Document) {
    (addFormats as unknown as (ajv: Ajv2020) => void)(this.ajv);
    this.ajv.addSchema(document as object, 'api');
    for (const [template, item] of Object.entries(document.paths ?? {})) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const regex = template
          .split(/(\{[^}]+\})/)
          .map((part) =>
            part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
          )
          .join('');
        this.operations.push({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${regex}$`),
          pointer: `#/paths/${escapePointer(template)}/${method}`,
          responses: operation.responses ?? {},
        });
      }
    }
    // A literal path wins over a template (/v1/orders/stream before /v1/orders/{id}).
    this.operations.sort(
      (a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0),
    );
  }

  static async fromGateway(gatewayUrl: string): Promise<OpenApiConformance> {
    const res = await fetch(`${gatewayUrl}/docs/json`);
    if (!res.ok) throw new Error(`the gateway's OpenAPI document answered ${res.status}`);
    return new OpenApiConformance((await res.json()) as Document);
  }

  /** What is wrong with this exchange, or null when the document describes it. */
  check(exchange: Exchange): string | null {
    const path = exchange.target.split('?')[0] ?? '';
    const method = exchange.method === 'HEAD' ? 'GET' : exchange.method;
    const operation = this.operations.find((o) => o.method === method && o.pattern.test(path));
    const what = `${exchange.method} ${exchange.target} → ${exchange.status}`;
    if (!operation) {
      // A path no operation has (nowhere, an empty id): any client error is an honest answer.
      return exchange.status >= 400 && exchange.status < 500 ? null : `${what}: no such operation`;
    }
    const code = String(exchange.status);
    const key = [code, `${code[0]}XX`, 'default'].find((k) => operation.responses[k]);
    if (!key) return `${what}: status not documented for ${operation.method} ${operation.template}`;
    const content = operation.responses[key]!.content;
    if (!content || exchange.body === undefined || exchange.body === '') return null;
    const mediaType = (exchange.contentType ?? '').split(';')[0]!.trim();
    if (!mediaType.endsWith('json')) return null; // streams, pages: nothing to validate here
    const documented = content[mediaType]
      ? mediaType
      : Object.keys(content).find((m) => m.endsWith('json'));
    if (!documented) return `${what}: media type ${mediaType} not documented`;
    const pointer = `${operation.pointer}/responses/${escapePointer(key)}/content/${escapePointer(documented)}/schema`;
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `api${pointer}` });
      this.validators.set(pointer, validate);
    }
    if (validate(exchange.body)) return null;
    const first = validate.errors?.[0];
    return `${what}: body does not match the documented schema (${first?.instancePath || '/'} ${first?.message ?? ''})`;
  }
}
