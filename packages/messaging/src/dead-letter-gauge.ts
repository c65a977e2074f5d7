import { deadLetterTopicOf } from '@switchyard/contracts';
import type { Admin } from 'kafkajs';
import client from 'prom-client';

const TIMEOUT_MS = 2_000;

/**
 * `dead_letter_messages{topic}`: how many messages the dead-letter topics of what this service
 * consumes hold now (high minus low watermark, every partition), read from Kafka at each
 * scrape. A rise means messages wait for a person (docs/operations.md: inspect and replay).
 * When Kafka does not answer in time, the last value stays.
 */
export function deadLetterGauge(options: {
  registry: client.Registry | undefined;
  admin: () => Promise<Admin>;
  topics: string[];
  namespace: string;
}): void {
  // The newest messaging of the process owns the gauge (tests run several in one process; a
  // gauge bound to a stopped one would reconnect its Kafka client at the next scrape).
  options.registry?.removeSingleMetric('dead_letter_messages');
  const registers = options.registry ? [options.registry] : [];
  new client.Gauge({
    name: 'dead_letter_messages',
    help: 'Messages on the dead-letter topics of the consumed topics, now',
    labelNames: ['topic'],
    registers,
    async collect() {
      const admin = await options.admin().catch(() => null);
      if (!admin) return;
      for (const topic of options.topics) {
        const deadLetterTopic = deadLetterTopicOf(topic);
        try {
          const size = await countMessages(admin, options.namespace + deadLetterTopic);
          this.set({ topic: deadLetterTopic }, size);
        } catch {
          // Kafka unreachable or slow: keep the last value rather than report 0.
        }
      }
    },
  });
}

/** Messages a topic holds now (high minus low watermark, every partition), or a timeout. */
export async function countMessages(admin: Admin, topic: string): Promise<number> {
  const offsets = await withTimeout(admin.fetchTopicOffsets(topic));
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/** Kafka not answering in TIMEOUT_MS fails the read instead of holding a scrape or a request. */
export function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS).unref(),
    ),
  ]);
}
