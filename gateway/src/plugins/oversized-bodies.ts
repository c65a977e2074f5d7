import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Bodies up to this size are read and thrown away before their 413; larger ones are not. */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;
/** Nor is a body that takes longer than this to arrive (a client dripping bytes). */
const DRAIN_LIMIT_MS = 5_000;

/**
 * A request that declares a body over the limit is answered 413 without its body being read,
 * and Node then closes the connection: a client still sending (a slow network, a loaded host)
 * met a broken pipe instead of the answer (found by e2e's hostile-input test under load). The
 * body is read and discarded first — up to DRAIN_LIMIT_BYTES and DRAIN_LIMIT_MS — so the client
 * finishes sending and reads its 413 problem; the limit's own check then answers as before.
 * Registered ahead of authentication, so a 401 for such a request is read too.
 */
export const oversizedBodies = fp(
  async (app: FastifyInstance, options: { bodyLimit: number }) => {
    app.addHook('onRequest', async (request) => {
      const declared = Number(request.headers['content-length']);
      if (declared > options.bodyLimit && declared <= DRAIN_LIMIT_BYTES) await drain(request.raw);
    });
  },
  { name: 'switchyard-oversized-bodies' },
);

function drain(body: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, DRAIN_LIMIT_MS);
    function done() {
      clearTimeout(timer);
      body.off('end', done).off('close', done).off('error', done);
      resolve();
    }
    body.on('end', done).on('close', done).on('error', done);
    body.resume();
  });
}
