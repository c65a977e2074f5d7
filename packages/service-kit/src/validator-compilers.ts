import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler } from 'fastify';

const factory = AjvCompiler();

const shared = { removeAdditional: false as const, useDefaults: true, allErrors: false };

/** True if any number in `value` is not finite (what coercing "Infinity" or "1e400" gives). */
function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (Array.isArray(value)) return value.some(hasNonFinite);
  if (value && typeof value === 'object') return Object.values(value).some(hasNonFinite);
  return false;
}

/**
 * Validators per part of the request. JSON bodies are strict JSON types: "1e2" is not a
 * quantity and "500" is not an amount. The querystring, path parameters and headers arrive as
 * text, so they are coerced — and then checked for numbers that are not finite, because Ajv
 * coerces "Infinity" and "1e400" to Infinity and then skips its own maximum check.
 */
export const buildValidator = (
  externalSchemas: unknown,
  ajvServerOption?: object,
): FastifySchemaCompiler<unknown> => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const build = factory as any;
  const strict = build(externalSchemas, {
    ...ajvServerOption,
    customOptions: { ...shared, coerceTypes: false },
  });
  const coercing = build(externalSchemas, {
    ...ajvServerOption,
    customOptions: { ...shared, coerceTypes: 'array' },
  });
  return (route) => {
    if (route.httpPart === 'body') return strict(route);
    const validate = coercing(route);
    const checked = (data: unknown) => {
      if (!validate(data)) {
        checked.errors = validate.errors;
        return false;
      }
      if (hasNonFinite(data)) {
        checked.errors = [
          {
            instancePath: '',
            schemaPath: '#',
            keyword: 'type',
            params: {},
            message: 'numbers must be finite',
          },
        ];
        return false;
      }
      checked.errors = null;
      return true;
    };
    checked.errors = null as unknown;
    return checked;
  };
};
