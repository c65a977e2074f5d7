import fc from 'fast-check';
import type { JsonSchema } from './operations.js';

type Resolve = (schema: JsonSchema) => JsonSchema;

/** Values our schemas forbid, and the ones that broke things before (issue 11). */
export const hostileString = fc.oneof(
  fc.constant('\u0000'),
  fc.string({ maxLength: 8 }).map((s) => `${s}\u0000${s}`),
  fc.constant('x'.repeat(10_000)),
  fc.constant('\u202e\u0301🙂\ud800'), // RTL override, combining mark, emoji, lone surrogate
  fc.constant("' OR 1=1; --"),
  fc.constant('../../etc/passwd'),
  fc.constant('%zz%00%2e%2e%2f'),
  fc.constant(''),
  fc.fullUnicodeString({ maxLength: 40 }),
);

export const hostileNumber = fc.oneof(
  fc.constant(2_147_483_648),
  fc.constant(Number.MAX_SAFE_INTEGER + 2), // 2^53 + 1 cannot be a double: it rounds
  fc.constant(1e308),
  fc.constant(-1),
  fc.constant(-2_147_483_649),
  fc.constant(0),
  fc.constant(1.5),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Anything at all, of the wrong type for most places. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.constant(null),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.constant('1e2'),
  fc.constant('500'),
  fc.constant({ $gt: '' }),
);

const FORMATS: Record<string, fc.Arbitrary<string>> = {
  uuid: fc.uuid({ version: 4 }),
  email: fc.emailAddress(),
  'date-time': fc
    .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01') })
    .map((d) => d.toISOString()),
  uri: fc.webUrl(),
};

// A pattern that is one character class repeated (`^[A-Za-z0-9_-]+$`). Its strings are drawn
// character by character at a length between minLength and maxLength: filtering what
// stringMatching draws by length never ends when the minimum is above the lengths it tends to
// draw (a 20-character token), and fast-check's filter retries forever.
const REPEATED_CLASS = /^\^(\[[^\]]+\])([+*])\$$/;

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format && FORMATS[schema.format]) return FORMATS[schema.format]!;
  const repeated = schema.pattern ? REPEATED_CLASS.exec(schema.pattern) : null;
  if (repeated) {
    const minLength = Math.max(schema.minLength ?? 0, repeated[2] === '+' ? 1 : 0);
    return fc.string({
      unit: fc.stringMatching(new RegExp(`^${repeated[1]}$`)),
      minLength,
      maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 40, 60)),
    });
  }
  if (schema.pattern) {
    try {
      return fc
        .stringMatching(new RegExp(schema.pattern))
        .filter(
          (s) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? 10_000),
        );
    } catch {
      /* a pattern fast-check cannot generate from: fall through */
    }
  }
  return fc.string({
    minLength: schema.minLength ?? 0,
    maxLength: Math.min(schema.maxLength ?? 40, 60),
  });
}

/** Values valid for `schema` (as far as the generator can tell). */
export function validValue(schema: JsonSchema, resolve: Resolve, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  if (depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const options = s.anyOf ?? s.oneOf;
  if (options) return fc.oneof(...options.map((o) => validValue(o, resolve, depth + 1)));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      return stringOf(s);
    case 'integer':
      return fc.integer({
        min: s.minimum ?? -1000,
        max: Math.min(s.maximum ?? 1000, 2_147_483_647),
      });
    case 'number':
      return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validValue(s.items ?? {}, resolve, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 3, 3),
      });
    case 'object': {
      const required = new Set(s.required ?? []);
      const props = Object.entries(s.properties ?? {});
      return fc.record(
        Object.fromEntries(props.map(([k, v]) => [k, validValue(v, resolve, depth + 1)])),
        { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) },
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

/**
 * A value for `schema` that is valid, or valid with one thing wrong: a field replaced by a
 * hostile value, a required field dropped, an unknown field added, or the whole thing swapped.
 */
export function fuzzedValue(schema: JsonSchema, resolve: Resolve): fc.Arbitrary<unknown> {
  const valid = validValue(schema, resolve);
  const s = resolve(schema);
  const mutations: fc.Arbitrary<unknown>[] = [hostileValue];
  if (s.type === 'object' && s.properties) {
    const keys = Object.keys(s.properties);
    if (keys.length > 0) {
      mutations.push(
        fc.tuple(valid, fc.constantFrom(...keys), hostileValue).map(([v, k, bad]) => ({
          ...(v as object),
          [k]: bad,
        })),
        fc.tuple(valid, fc.constantFrom(...keys)).map(([v, k]) => {
          const copy = { ...(v as Record<string, unknown>) };
          delete copy[k];
          return copy;
        }),
        valid.map((v) => ({ ...(v as object), role: 'admin', status: 'paid' })),
      );
    }
  }
  return fc.oneof(
    { arbitrary: valid, weight: 2 },
    { arbitrary: fc.oneof(...mutations), weight: 3 },
  );
}
