import { deadLetterTopicOf } from '@switchyard/contracts';
import type { KafkaMessage, Producer } from 'kafkajs';

/** Where a message came from: enough to send it on to its dead-letter topic. */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * Sends a message to `<topic>.dlt` unchanged, with why and from where in `dlt_*` headers, so
 * it is never dropped silently and can be replayed (dead-letters.ts).
 */
export async function sendToDeadLetterTopic(
  producer: Producer,
  { topic, partition, message }: ConsumedMessage,
  reason: string,
  consumerGroup: string,
): Promise<void> {
  await producer.send({
    topic: deadLetterTopicOf(topic),
    acks: -1,
    messages: [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          dlt_reason: reason.slice(0, 1000),
          dlt_consumer_group: consumerGroup,
          dlt_original_topic: topic,
          dlt_original_partition: String(partition),
          dlt_original_offset: message.offset,
          dlt_at: new Date().toISOString(),
        },
      },
    ],
  });
}
