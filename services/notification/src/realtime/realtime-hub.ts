import type { ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Logger } from '@switchyard/messaging';
import type { NotificationView } from '../inbox/inbox.js';
import { sseFrame } from './sse.js';

const frameOf = (message: RealtimeNotification) =>
  sseFrame({ id: message.seq, event: 'notification', data: message.notification });

/** What travels over Redis and the stream: an inbox notification with its stream position. */
export interface RealtimeNotification {
  seq: string;
  userId: string;
  notification: NotificationView;
}

interface Connection {
  userId: string;
  res: ServerResponse;
  /** Until the backlog is written, live messages wait here (so none is lost or reordered). */
  pending: RealtimeNotification[] | null;
  /** What this stream already carried, so backlog and live overlap is sent once. */
  sent: Set<string>;
}

/**
 * Fans notifications out to connected clients across replicas. Whichever replica consumed an
 * event publishes it on one Redis channel; every replica (itself included) receives it and
 * writes it to the streams of that user connected to it. Heartbeat comments keep idle streams
 * (and the proxies between) from timing out.
 */
export class RealtimeHub {
  private readonly connections = new Map<string, Set<Connection>>();
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: {
      publisher: Redis;
      subscriber: Redis;
      channel: string;
      heartbeatMs: number;
      logger: Logger;
    },
  ) {}

  async start(): Promise<void> {
    const { subscriber, channel } = this.options;
    subscriber.on('message', (from: string, message: string) => {
      if (from !== channel) return;
      try {
        this.deliver(JSON.parse(message) as RealtimeNotification);
      } catch (error) {
        this.options.logger.warn({ err: error }, 'unreadable realtime message');
      }
    });
    await subscriber.subscribe(channel);
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Tell every replica (this one included). */
  async publish(message: RealtimeNotification): Promise<void> {
    await this.options.publisher.publish(this.options.channel, JSON.stringify(message));
  }

  /** A new stream: live messages are held until `ready` (after the backlog) is called. */
  attach(
    userId: string,
    res: ServerResponse,
  ): {
    sendBacklog: (items: RealtimeNotification[]) => void;
    ready: () => void;
    detach: () => void;
  } {
    const connection: Connection = { userId, res, pending: [], sent: new Set() };
    const mine = this.connections.get(userId) ?? new Set();
    mine.add(connection);
    this.connections.set(userId, mine);
    return {
      sendBacklog: (items) => items.forEach((item) => this.write(connection, item)),
      ready: () => {
        const held = connection.pending ?? [];
        connection.pending = null;
        held.forEach((item) => this.write(connection, item));
      },
      detach: () => {
        mine.delete(connection);
        if (mine.size === 0) this.connections.delete(userId);
      },
    };
  }

  get connectionCount(): number {
    let n = 0;
    for (const set of this.connections.values()) n += set.size;
    return n;
  }

  /** End every stream (shutdown): clients reconnect elsewhere and resume. */
  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const set of this.connections.values()) for (const c of set) c.res.end();
    this.connections.clear();
    await this.options.subscriber.unsubscribe(this.options.channel).catch(() => {});
  }

  private deliver(message: RealtimeNotification): void {
    const streams = this.connections.get(message.userId);
    if (!streams) return;
    // One frame for every stream of the user: serialised once, not once per connection.
    const frame = frameOf(message);
    for (const connection of streams) {
      if (connection.pending) connection.pending.push(message);
      else this.write(connection, message, frame);
    }
  }

  private write(connection: Connection, message: RealtimeNotification, frame?: string): void {
    if (connection.sent.has(message.seq)) return;
    connection.sent.add(message.seq);
    // Only the overlap right after connecting matters; keep the set small on long streams.
    if (connection.sent.size > 1000) connection.sent.delete(connection.sent.values().next().value!);
    connection.res.write(frame ?? frameOf(message));
  }

  private beat(): void {
    for (const set of this.connections.values())
      for (const c of set) c.res.write(`: heartbeat ${new Date().toISOString()}\n\n`);
  }
}
