import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from './logger.js';

export interface KafkaOptions {
  clientId: string;
  brokers: string[];
  logger: Logger;
  /** Retries per request before giving up (default 10; 0 for a quick probe). */
  retries?: number;
}

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose own logs go through the service's pino logger. */
export function createKafka(options: KafkaOptions): Kafka {
  const log = options.logger.child({ component: 'kafka' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3_000,
    retry: { initialRetryTime: 300, retries: options.retries ?? 10 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[levels[level] ?? 'info'](rest, message);
      },
  });
}

/** Create topics that do not exist yet (idempotent). */
export async function ensureTopics(
  kafka: Kafka,
  topics: string[],
  options: { numPartitions?: number } = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: options.numPartitions ?? 3,
          replicationFactor: 1,
        })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
