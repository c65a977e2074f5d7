import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { buildProblem, PROBLEM_CONTENT_TYPE } from './problem.js';

/** A request line longer than this, refused by Node's parser, is "URI too long", not headers. */
const LONG_REQUEST_LINE = 8 * 1024;

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (a request line or
 * headers over the size limit, bytes that are not HTTP). Answer those as problem+json with a
 * request id too, instead of Fastify's bare JSON: 414 for an over-long request target, 431
 * for over-long headers, 408 for a client that timed out, 400 for the rest.
 */
export function clientErrorHandler(connectionError: Error, socket: Socket): void {
  const error = connectionError as Error & { code?: string; rawPacket?: Buffer };
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let status = 400;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') status = 408;
  else if (error.code === 'HPE_HEADER_OVERFLOW') {
    const firstLine = error.rawPacket?.toString('latin1').split('\r\n', 1)[0] ?? '';
    status = firstLine.length > LONG_REQUEST_LINE || !firstLine.includes(' HTTP/') ? 414 : 431;
  } else if (error.code === 'HPE_URI_TOO_LONG') status = 414;
  const requestId = randomUUID();
  const body = JSON.stringify(
    buildProblem({
      status,
      requestId,
      detail:
        status === 414
          ? 'The request target is too long'
          : status === 431
            ? 'The request header fields are too large'
            : status === 408
              ? 'The request took too long to arrive'
              : 'The request is not valid HTTP',
    }),
  );
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * Errors Fastify's router raises before any route or hook runs (a malformed percent-encoding
 * in the path, an over-long parameter): problem+json like everything else.
 */
export function frameworkErrors(
  error: Error & { statusCode?: number },
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
  void reply
    .code(status)
    .header('x-request-id', request.id)
    .type(PROBLEM_CONTENT_TYPE)
    .send(
      buildProblem({
        status,
        requestId: request.id,
        detail: /url/i.test(error.message) ? 'The request path is not valid' : error.message,
      }),
    );
}
