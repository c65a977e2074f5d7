// Create every topic declared in @switchyard/contracts (and its dead-letter twin), optionally
// under a namespace prefix (KAFKA_NAMESPACE, used to isolate test runs).
import { allTopics } from '@switchyard/contracts';
import { createKafka, ensureTopics } from '@switchyard/messaging';
import { pino } from 'pino';

const brokers = (
  process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`
).split(',');
const namespace = process.env.KAFKA_NAMESPACE ?? '';
const kafka = createKafka({ clientId: 'create-topics', brokers, logger: pino({ level: 'warn' }) });
const topics = allTopics.map((t) => namespace + t);
// As many partitions as production (k8s/overlays/production/kafka.yaml): they bound how many
// messages a consumer group handles at once.
await ensureTopics(kafka, topics, {
  numPartitions: Number(process.env.KAFKA_TOPIC_PARTITIONS ?? 12),
});
console.log(`kafka: topics ready (${topics.length})`);
