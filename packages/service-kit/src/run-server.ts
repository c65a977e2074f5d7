import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

/**
 * Own the process: listen, then on SIGTERM/SIGINT stop accepting, drain in-flight requests
 * and run every onClose hook (consumers, outbox relay, database, telemetry) before exiting.
 * Every piece of work bounds itself well inside `shutdownGraceMs` (provider calls are aborted,
 * the outbox flush gives up after 5 s), so the grace is a last resort, not the normal end.
 */
export async function runServer(
  app: FastifyInstance,
  options: { port: number; host: string; shutdownGraceMs?: number },
): Promise<void> {
  closeWithGrace({ delay: options.shutdownGraceMs ?? 25_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'fatal error, shutting down');
    else app.log.info({ signal }, 'shutting down');
    const started = Date.now();
    await app.close();
    app.log.info({ tookMs: Date.now() - started }, 'shut down cleanly');
  });
  await app.listen({ port: options.port, host: options.host });
}
