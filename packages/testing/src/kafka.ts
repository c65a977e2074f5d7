import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { allTopics } from '@switchyard/contracts';
import { createKafka, createProducer, ensureTopics } from '@switchyard/messaging';
import type { Kafka, Producer } from 'kafkajs';
import { pino } from 'pino';
import { repoRoot } from './repo-root.js';

const run = promisify(execFile);

/**
 * The consumers' fetch long-poll under test (KAFKA_FETCH_MAX_WAIT_MS): a stop waits for the fetch
 * in flight, so 500 ms instead of production's 5 s keeps the suites' many stops short.
 */
export const TEST_FETCH_MAX_WAIT_ENV = { KAFKA_FETCH_MAX_WAIT_MS: '500' };

export const testKafkaBrokers = () => (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** Start the real Apache Kafka broker from infra/kafka (or reuse a running one). */
export async function startKafka(): Promise<void> {
  await run('bash', [path.join(repoRoot(), 'infra/kafka/start.sh')], {
    env: { ...process.env, KAFKA_SKIP_TOPICS: '1' },
    timeout: 300_000,
  });
}

export function testKafka(clientId = 'test', brokers = testKafkaBrokers()): Kafka {
  return createKafka({ clientId, brokers, logger: pino({ level: 'error' }) });
}

/** A plain producer on the test broker, with the platform's partitioner (messaging's). */
export function testProducer(clientId = 'test-producer'): Producer {
  return createProducer(testKafka(clientId));
}

/**
 * A fresh topic namespace with every platform topic created in it, so this run's events and
 * consumer groups are its own even when a dev stack uses the same broker.
 */
export async function createKafkaNamespace(
  brokers = testKafkaBrokers(),
  /** 3 keeps the many namespaces of a test run light; a benchmark uses production's 12. */
  partitions = 3,
): Promise<string> {
  const namespace = `test-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}.`;
  await ensureTopics(
    testKafka('test-admin', brokers),
    allTopics.map((t) => namespace + t),
    { numPartitions: partitions },
  );
  return namespace;
}

/** Delete a namespace's topics at the end of a run. */
export async function deleteKafkaNamespace(
  namespace: string,
  brokers = testKafkaBrokers(),
): Promise<void> {
  const admin = testKafka('test-admin', brokers).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(namespace));
    if (topics.length) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
