import type { ServerResponse } from 'node:http';

/** One Server-Sent Events frame; `data` is JSON on one line, so no line splitting is needed. */
export function sseFrame(frame: { id?: string; event?: string; data: unknown }): string {
  return (
    (frame.id ? `id: ${frame.id}\n` : '') +
    (frame.event ? `event: ${frame.event}\n` : '') +
    `data: ${JSON.stringify(frame.data)}\n\n`
  );
}

/** Open an event stream on a raw response: no buffering anywhere on the way. */
export function openEventStream(res: ServerResponse, retryMs: number): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  // Tell EventSource clients how soon to reconnect; they resume with Last-Event-ID.
  res.write(`retry: ${retryMs}\n\n`);
}
