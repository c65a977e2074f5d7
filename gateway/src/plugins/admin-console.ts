import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '@switchyard/service-kit';
import { securityHeadersOf } from './security-headers.js';

/**
 * The console's policy: its own scripts, styles and images and calls to this origin's API,
 * nothing inline, nothing from elsewhere, never framed. The app is built to need no more.
 */
const CONSOLE_CSP = securityHeadersOf({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      manifestSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
})['content-security-policy']!;

/** A hashed file never changes under its name; the page that names them always revalidates. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

const notServed = () => new AppError('NOT_FOUND', 'The staff console is not built on this gateway');
const noSuchFile = () => new AppError('NOT_FOUND', 'No such file in the staff console');

/**
 * The staff console (apps/console), a single-page app over the public API, at /admin: the
 * hashed files of its build under /admin/assets/ (cached for good; a missing one is a 404, not
 * the page), and its page for /admin and every other path under it (the app routes them in the
 * browser), always revalidated. A build missing when the gateway starts leaves /admin a 404
 * problem saying so, and the gateway starts as usual. Needs no token: the page holds none; the
 * app signs in through the API. Registered with the prefix the build is made for (/admin,
 * apps/console/vite.config.ts).
 */
export async function adminConsole(app: FastifyInstance, options: { dir: string }): Promise<void> {
  const dir = options.dir && path.resolve(options.dir);
  const built = dir !== '' && existsSync(path.join(dir, 'index.html'));
  if (!built) {
    app.log.warn(
      { consoleDir: dir || undefined },
      dir ? 'the staff console is not built: /admin answers 404' : 'CONSOLE_DIR is not set',
    );
    for (const url of ['/', '/*'])
      app.get(url, async () => {
        throw notServed();
      });
    return;
  }

  app.addHook('onRequest', async (_request, reply) => {
    reply.header('content-security-policy', CONSOLE_CSP);
  });
  await app.register(fastifyStatic, {
    root: path.join(dir, 'assets'),
    prefix: '/assets/',
    index: false,
    cacheControl: false,
    setHeaders: (res) => res.setHeader('cache-control', IMMUTABLE),
  });
  const page = (_request: unknown, reply: FastifyReply) =>
    reply.header('cache-control', REVALIDATE).sendFile('index.html', dir, { cacheControl: false });
  app.get('/', page);
  app.get('/*', page);
  // Only a file under assets/ can be missing: every other path is the page.
  app.setNotFoundHandler(async () => {
    throw noSuchFile();
  });
}
