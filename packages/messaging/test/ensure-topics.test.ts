import { pino } from 'pino';
import { createKafka, ensureTopics } from '../src/kafka.js';

/**
 * Topics made at start-up (a service's, a test's namespace) are used at once. A broker whose
 * metadata has not caught up with the controller answers UNKNOWN_TOPIC_OR_PARTITION for a topic
 * just created, which kafkajs's own wait for leaders does not retry: a test's setup failed with
 * "This server does not host this topic-partition" in CI.
 */
describe('ensureTopics', () => {
  const kafka = createKafka({
    clientId: 'ensure-topics-test',
    brokers: [`127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`],
    logger: pino({ level: 'error' }),
  });
  const made: string[] = [];

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: made }).catch(() => {});
    await admin.disconnect();
  });

  it('returns only when every partition of many new topics has a leader', async () => {
    // Several rounds: on this machine one round of 20 topics × 12 partitions failed 7 times in 8
    // with kafkajs's own wait.
    for (let round = 0; round < 4; round++) {
      const topics = Array.from({ length: 20 }, (_, i) => `ensure-${Date.now()}-${round}-${i}`);
      made.push(...topics);
      await ensureTopics(kafka, topics, { numPartitions: 12 });
      const admin = kafka.admin();
      await admin.connect();
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        for (const topic of metadata) {
          expect(topic.partitions).toHaveLength(12);
          for (const partition of topic.partitions)
            expect(partition.leader).toBeGreaterThanOrEqual(0);
        }
      } finally {
        await admin.disconnect();
      }
    }
  }, 120_000);

  it('leaves existing topics as they are', async () => {
    const topic = `ensure-${Date.now()}-again`;
    made.push(topic);
    await ensureTopics(kafka, [topic], { numPartitions: 2 });
    await ensureTopics(kafka, [topic], { numPartitions: 5 });
    const admin = kafka.admin();
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(topics[0]!.partitions).toHaveLength(2);
  });
});
