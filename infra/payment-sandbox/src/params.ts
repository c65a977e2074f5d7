import type { Static, TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { invalidRequest } from './stripe-errors.js';

/** `/metadata/order_id` → `metadata[order_id]`, as Stripe names a parameter. */
const paramName = (pointer: string) =>
  pointer
    .split('/')
    .filter(Boolean)
    .map((part, i) => (i === 0 ? part : `[${part}]`))
    .join('');

/**
 * Read a request's form parameters (all strings on the wire) as `schema` says: numbers and
 * booleans converted, unknown parameters refused, each failure a Stripe invalid_request_error
 * naming its parameter.
 */
export function readParams<T extends TSchema>(schema: T, raw: unknown): Static<T> {
  const value = Value.Default(schema, Value.Convert(schema, Value.Clone(raw ?? {})));
  const first = Value.Errors(schema, value).First();
  if (!first) return value as Static<T>;
  const param = paramName(first.path);
  if (first.type === ValueErrorType.ObjectAdditionalProperties)
    throw invalidRequest(`Received unknown parameter: ${param}`, { param });
  if (first.type === ValueErrorType.ObjectRequiredProperty)
    throw invalidRequest(`Missing required param: ${param}.`, { param, code: 'parameter_missing' });
  throw invalidRequest(`Invalid ${param}: ${first.message.toLowerCase()}`, {
    param,
    code: 'parameter_invalid',
  });
}
