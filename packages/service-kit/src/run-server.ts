import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

/**
 * Own the process: listen, then on SIGTERM/SIGINT stop accepting, drain in-flight requests
 * and run every onClose hook (consumers, outbox relay, database, telemetry) before exiting.
 */
export async function runServer(
  app: FastifyInstance,
  options: { port: number; host: string; shutdownDelayMs?: number },
): Promise<void> {
  closeWithGrace({ delay: options.shutdownDelayMs ?? 15_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'fatal error, shutting down');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });
  await app.listen({ port: options.port, host: options.host });
}
