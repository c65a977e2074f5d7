import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Admin,
  Kafka,
  logLevel,
  Partitioners,
  type LogEntry,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';
import type { KafkaCredentials } from './kafka-credentials.js';
import type { Logger } from './logger.js';

export interface KafkaOptions {
  clientId: string;
  brokers: string[];
  logger: Logger;
  /** Retries per request before giving up (default 10; 0 for a quick probe). */
  retries?: number;
  /** SASL/SCRAM login and TLS (kafka-credentials.ts); absent: plaintext, as a local broker. */
  credentials?: KafkaCredentials;
}

type Level = 'error' | 'warn' | 'info' | 'debug';

const levels: Record<number, Level> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * The messages of the protocol errors kafkajs retries by itself (its own error table, which it
 * does not export from its entry point; the version is pinned and patched).
 */
const retriableProtocolErrors = new Set<string>(
  (
    createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as {
      errorCodes: { retriable: boolean; message: string }[];
    }
  ).errorCodes
    .filter((e) => e.retriable)
    .map((e) => e.message),
);

/**
 * kafkajs logs every error response at ERROR, also the ones it then retries (a coordinator
 * still loading after a broker start): those are warnings — an error line is what operators
 * alert on. If the retries run out, the failure reaches our code and is logged there.
 */
export function kafkaLogLevel(level: number, entry: LogEntry['log']): Level {
  const retried =
    level === logLevel.ERROR &&
    entry.message.startsWith('Response ') &&
    retriableProtocolErrors.has(String((entry as { error?: unknown }).error));
  return retried ? 'warn' : (levels[level] ?? 'info');
}

/** A kafkajs client whose own logs go through the service's pino logger. */
export function createKafka(options: KafkaOptions): Kafka {
  const log = options.logger.child({ component: 'kafka' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...(options.credentials ?? {}),
    connectionTimeout: 3_000,
    retry: { initialRetryTime: 300, retries: options.retries ?? 10 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[kafkaLogLevel(level, entry)](rest, message);
      },
  });
}

/**
 * A producer with the partitioner named, as every producer of the platform must be. kafkajs 2's
 * default is its Java-compatible murmur2 partitioner, which has placed every key since the
 * platform began (and matches Java clients, so a key maps to the same partition whoever
 * writes it). Naming it keeps each key on its partition, so an aggregate's events stay in
 * order, and is kafkajs's documented way to end its start-up partitioner warning.
 */
export function createProducer(
  kafka: Kafka,
  config: Omit<ProducerConfig, 'createPartitioner'> = {},
): Producer {
  return kafka.producer({ ...config, createPartitioner: Partitioners.DefaultPartitioner });
}

/** Create topics that do not exist yet (idempotent); return once every partition has a leader. */
export async function ensureTopics(
  kafka: Kafka,
  topics: string[],
  options: { numPartitions?: number; leaderTimeoutMs?: number } = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length) {
      await admin.createTopics({
        // kafkajs's own wait retries only LEADER_NOT_AVAILABLE, but a broker whose metadata has
        // not caught up with the controller answers UNKNOWN_TOPIC_OR_PARTITION for a topic just
        // made (20 topics of 12 partitions failed 7 times in 8): waited for below instead.
        waitForLeaders: false,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: options.numPartitions ?? 3,
          replicationFactor: 1,
        })),
      });
      await untilLeadersElected(admin, missing, options.leaderTimeoutMs ?? 30_000);
    }
  } finally {
    await admin.disconnect();
  }
}

/** The errors a broker answers for a topic whose creation it has not fully seen yet. */
const NOT_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

async function untilLeadersElected(admin: Admin, topics: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.every(
        (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      );
      if (ready) return;
    } catch (error) {
      if (!NOT_YET.has((error as { type?: string }).type ?? '')) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`topics without a leader after ${timeoutMs} ms: ${topics.join(', ')}`);
    await sleep(100);
  }
}
