import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { waitFor } from './wait-for.js';

export interface EventStreamClient {
  status: number;
  events: EventSourceMessage[];
  comments: string[];
  /** Resolves with the events once at least `count` arrived. */
  waitForEvents(count: number, timeoutMs?: number): Promise<EventSourceMessage[]>;
  close(): void;
}

/**
 * A Server-Sent Events client as an app would write one with fetch (EventSource cannot send
 * an Authorization header): bearer token, optional Last-Event-ID, frames parsed by
 * eventsource-parser as they stream in.
 */
export async function openEventStream(
  url: string,
  options: { token?: string; lastEventId?: string } = {},
): Promise<EventStreamClient> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: {
      accept: 'text/event-stream',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}),
    },
    signal: abort.signal,
  });
  const client: EventStreamClient = {
    status: response.status,
    events: [],
    comments: [],
    waitForEvents: async (count, timeoutMs = 20_000) => {
      await waitFor(async () => client.events.length >= count, {
        timeoutMs,
        what: `${count} event(s) on ${url}`,
      });
      return client.events;
    },
    close: () => abort.abort(),
  };
  if (!response.ok || !response.body) return client;
  const parser = createParser({
    onEvent: (event) => client.events.push(event),
    onComment: (comment) => client.comments.push(comment),
  });
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
        parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // closed by us, or by the server
    }
  })();
  return client;
}
