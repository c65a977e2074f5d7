import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One log line per request at info, written when it is answered: what was asked (method, the
 * routed path, and the path as sent when it was rewritten), the status and the time taken.
 * Fastify writes two by default ("incoming request", "request completed"), and the gateway's
 * proxy two more ("fetching from remote server", "response received"); each line is a
 * serialisation and a write on the hot path (4–7 % of a service's CPU under the saga went to
 * writing log lines). A route that is not found is that one line too (status 404). Failures
 * are still logged at error, with the request. Every Switchyard process uses it (createApp).
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
