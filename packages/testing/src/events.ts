import { randomUUID } from 'node:crypto';
import { toWireMessage, fromWireMessage, type EventEnvelope } from '@switchyard/contracts';
import type { KafkaMessage } from 'kafkajs';
import { testKafka, testProducer } from './kafka.js';
import { waitFor } from './wait-for.js';

/** Publish an event to the real broker, exactly as a service's outbox relay would. */
export async function publishEvent(
  namespace: string,
  event: EventEnvelope,
  times = 1,
): Promise<void> {
  const producer = testProducer();
  await producer.connect();
  try {
    const wire = toWireMessage(event);
    const message = { key: wire.key, value: wire.value, headers: wire.headers };
    await producer.send({
      topic: namespace + wire.topic,
      acks: -1,
      messages: Array(times).fill(message),
    });
  } finally {
    await producer.disconnect();
  }
}

/** Publish raw bytes (for malformed-message tests). */
export async function publishRaw(
  topic: string,
  message: { key: string; value: string; headers?: Record<string, string> },
): Promise<void> {
  const producer = testProducer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [message] });
  } finally {
    await producer.disconnect();
  }
}

/**
 * Read a topic from the beginning until `count` messages match `predicate`, with a fresh
 * consumer group; returns the matching messages.
 */
export async function readTopic(
  topic: string,
  predicate: (message: KafkaMessage) => boolean,
  options: { count?: number; timeoutMs?: number } = {},
): Promise<KafkaMessage[]> {
  const consumer = testKafka('test-reader').consumer({ groupId: `test-reader-${randomUUID()}` });
  const found: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (predicate(message)) found.push(message);
      },
    });
    await waitFor(async () => found.length >= (options.count ?? 1), {
      timeoutMs: options.timeoutMs ?? 30_000,
      what: `${options.count ?? 1} matching message(s) on ${topic}`,
    });
    return found;
  } finally {
    await consumer.disconnect();
  }
}

/** Parse a consumed message back into an event (throws if it breaks the contract). */
export const parseMessage = (message: KafkaMessage): EventEnvelope =>
  fromWireMessage({ value: message.value, headers: message.headers as Record<string, Buffer> });
