// Create every topic declared in @switchyard/contracts (and its dead-letter twin), optionally
// under a namespace prefix (KAFKA_NAMESPACE, used to isolate test runs). On a broker that
// enforces ACLs (start.sh with KAFKA_SECURITY=scram), also grant each service user listed in
// KAFKA_SCRAM_USERS what contracts' topicAccess allows it.
import { allTopics, topicAccess, type KafkaService } from '@switchyard/contracts';
import {
  createKafka,
  ensureTopics,
  grantKafkaAcls,
  kafkaCredentialsOf,
} from '@switchyard/messaging';
import { pino } from 'pino';

const brokers = (
  process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`
).split(',');
const namespace = process.env.KAFKA_NAMESPACE ?? '';
const kafka = createKafka({
  clientId: 'create-topics',
  brokers,
  logger: pino({ level: 'warn' }),
  // A broker that requires a login (KAFKA_SECURITY=scram): the admin's, from start.sh.
  credentials: kafkaCredentialsOf(process.env),
});
const topics = allTopics.map((t) => namespace + t);
// As many partitions as production (k8s/overlays/production/kafka.yaml): they bound how many
// messages a consumer group handles at once.
await ensureTopics(kafka, topics, {
  numPartitions: Number(process.env.KAFKA_TOPIC_PARTITIONS ?? 12),
});
console.log(`kafka: topics ready (${topics.length})`);

if (process.env.KAFKA_SECURITY === 'scram') {
  const services = (process.env.KAFKA_SCRAM_USERS ?? '')
    .split(',')
    .map((user) => user.split(':')[0]!)
    .filter((name): name is KafkaService => name in topicAccess);
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const service of services) await grantKafkaAcls(admin, service, { namespace });
  } finally {
    await admin.disconnect();
  }
  console.log(`kafka: ACLs granted (${services.join(', ') || 'no service users'})`);
}
