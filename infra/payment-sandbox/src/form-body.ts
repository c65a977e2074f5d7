import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import qs from 'qs';

/**
 * Stripe's wire format for parameters, in request bodies (`application/x-www-form-urlencoded`)
 * and query strings alike: bracket notation, `metadata[order_id]=…`, `expand[0]=latest_charge`,
 * `created[gte]=…`. Values stay strings; each route's schema converts them (params.ts).
 */
export const parseStripeParams = (text: string): Record<string, unknown> =>
  qs.parse(text, { arrayLimit: 100, depth: 5, parameterLimit: 1000 });

export async function registerFormBody(app: FastifyInstance): Promise<void> {
  await app.register(formbody, { parser: parseStripeParams });
}
