import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';

/**
 * How many arrays and objects a request may nest inside each other. Our schemas go a few
 * levels deep; the rest is room for integrators' metadata. JSON.parse itself takes any depth,
 * so without a bound a 200 KB body of `[[[[…` reached code that recursed until the stack ran out.
 */
export const MAX_INPUT_DEPTH = 64;

/** One value still to look at, and how it was reached (for the JSON pointer of a finding). */
interface Visit {
  value: unknown;
  depth: number;
  parent: Visit | null;
  key: string;
}

/** A key as one JSON-pointer token (RFC 6901): `~` is written `~0` and `/` is written `~1`. */
const tokenOf = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

const pointerOf = (visit: Visit): string => {
  let path = '';
  for (let at: Visit | null = visit; at?.parent; at = at.parent)
    path = `/${tokenOf(at.key)}${path}`;
  return path || '/';
};

type Finding = { kind: 'nul'; at: string } | { kind: 'too_deep' } | null;

/**
 * Walk `root` with a stack of its own (never the call stack): the first string holding a NUL
 * (in a key or a value), or the first container nested past MAX_INPUT_DEPTH.
 */
function inspect(root: unknown): Finding {
  const stack: Visit[] = [{ value: root, depth: 0, parent: null, key: '' }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { value } = visit;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { kind: 'nul', at: pointerOf(visit) };
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    const depth = visit.depth + 1;
    if (depth > MAX_INPUT_DEPTH) return { kind: 'too_deep' };
    // Pushed in reverse, so the first offending field is the first one reported.
    const entries = Array.isArray(value)
      ? value.map((inner, i) => [String(i), inner] as const)
      : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, inner] = entries[i]!;
      const child: Visit = { value: inner, depth, parent: visit, key };
      if (key.includes('\u0000')) return { kind: 'nul', at: pointerOf(child) };
      stack.push(child);
    }
  }
  return null;
}

/**
 * Every string any route accepts refuses NUL (Postgres cannot store it in text, and no
 * name, email, SKU, URL or cursor has one), and no input nests deeper than MAX_INPUT_DEPTH:
 * one check before validation, for every route of every service, so no schema can forget it.
 */
export const strictInput = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (request) => {
      for (const [part, value] of [
        ['body', request.body],
        ['querystring', request.query],
        ['params', request.params],
      ] as const) {
        const found = inspect(value);
        if (found?.kind === 'too_deep')
          throw new AppError(
            'VALIDATION_FAILED',
            `${part} nests deeper than ${MAX_INPUT_DEPTH} levels`,
            [{ path: part, message: `must not nest deeper than ${MAX_INPUT_DEPTH} levels` }],
          );
        if (found?.kind === 'nul')
          throw new AppError(
            'VALIDATION_FAILED',
            `${part}${found.at} must not contain NUL characters`,
            [{ path: `${part}${found.at}`, message: 'must not contain NUL characters' }],
          );
      }
    });
  },
  { name: 'switchyard-strict-input' },
);
