import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';

/** Where in `value` a string holds a NUL character, as a JSON pointer; null when none does. */
function nulAt(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '/' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulAt(value[i], `${path}/${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const found = nulAt(key, `${path}/${key}`) ?? nulAt(inner, `${path}/${key}`);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Every string any route accepts refuses NUL (Postgres cannot store it in text, and no
 * name, email, SKU, URL or cursor has one): one check before validation, for every route of
 * every service, so no schema can forget it.
 */
export const strictInput = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (request) => {
      for (const [part, value] of [
        ['body', request.body],
        ['querystring', request.query],
        ['params', request.params],
      ] as const) {
        const at = nulAt(value, '');
        if (at)
          throw new AppError('VALIDATION_FAILED', `${part}${at} must not contain NUL characters`, [
            { path: `${part}${at}`, message: 'must not contain NUL characters' },
          ]);
      }
    });
  },
  { name: 'switchyard-strict-input' },
);
