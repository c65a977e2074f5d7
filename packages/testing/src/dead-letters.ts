import { consumerGroupOf, toWireMessage, type EventEnvelope } from '@switchyard/contracts';
import { testProducer } from './kafka.js';

/**
 * Put an event on its topic's dead-letter topic as `service`'s consumer leaves one it gave up
 * on (the dead-letter headers included), without waiting out the consumer's retries.
 */
export async function writeDeadLetter(
  namespace: string,
  options: { service: string; event: EventEnvelope; reason: string },
): Promise<void> {
  const wire = toWireMessage(options.event);
  const producer = testProducer();
  await producer.connect();
  try {
    await producer.send({
      topic: `${namespace}${wire.topic}.dlt`,
      acks: -1,
      messages: [
        {
          key: wire.key,
          value: wire.value,
          headers: {
            ...wire.headers,
            dlt_reason: options.reason,
            dlt_consumer_group: consumerGroupOf(options.service, namespace),
            dlt_original_topic: `${namespace}${wire.topic}`,
            dlt_at: new Date().toISOString(),
          },
        },
      ],
    });
  } finally {
    await producer.disconnect();
  }
}
