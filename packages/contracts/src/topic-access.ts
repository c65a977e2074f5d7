import { deadLetterTopicOf, Topics, type Topic } from './topics.js';

/**
 * Which service writes and which reads each topic: the one table the Kafka ACLs come from.
 * Production renders it as one Strimzi KafkaUser per service (k8s/overlays/production/
 * kafka-users.yaml, checked against this table by infra/deploy-checks); the local SCRAM broker's
 * test grants exactly these ACLs. A topic has one producer, the service owning the aggregate,
 * so no other pod can forge its events (a `payment.succeeded` comes from payment or nowhere).
 * The services subscribe to their `consumes` list, so what they read cannot drift from it.
 */
export const topicAccess = {
  auth: { produces: [Topics.users], consumes: [] },
  // order and payment read users for user.deleted only (their other events are ignored).
  order: { produces: [Topics.orders], consumes: [Topics.payments, Topics.users] },
  payment: {
    produces: [Topics.payments],
    consumes: [Topics.orders, Topics.billing, Topics.users],
  },
  notification: {
    produces: [],
    consumes: [Topics.users, Topics.orders, Topics.payments, Topics.billing],
  },
  billing: {
    produces: [Topics.billing],
    consumes: [Topics.users, Topics.orders, Topics.payments],
  },
} as const satisfies Record<string, { produces: readonly Topic[]; consumes: readonly Topic[] }>;

export type KafkaService = keyof typeof topicAccess;

/** The operations Switchyard grants (Kafka's names, as Strimzi spells them). */
export type KafkaAclOperation = 'Read' | 'Write' | 'Describe' | 'Delete';

/** One ACL rule, allowing `operations` on a topic or consumer group to one service. */
export interface KafkaAcl {
  resource: 'topic' | 'group';
  name: string;
  pattern: 'literal' | 'prefix';
  operations: KafkaAclOperation[];
}

/** The consumer group a service reads with (messaging's createMessaging names it so). */
export function consumerGroupOf(service: string, namespace = ''): string {
  return `${namespace}${service}`;
}

/**
 * The throw-away groups a service's dead-letter routes read a dead-letter topic with: each is
 * this prefix plus a random id, deleted after reading (messaging's dead-letters.ts).
 */
export function deadLetterReaderGroupPrefixOf(service: string, namespace = ''): string {
  return `${consumerGroupOf(service, namespace)}.dead-letter-reader.`;
}

/**
 * Everything a service may do on Kafka, and nothing more:
 * - its own topics: Write (the outbox relay) and Describe;
 * - what it consumes: Read and Describe, with its consumer group;
 * - the dead-letter twin of what it consumes: Write (its consumer dead-letters there), Read
 *   (its operators' dead-letter routes list them) and Describe (the dead_letter_messages gauge),
 *   with the reader groups, which it also deletes after use.
 * Never Write on a topic another service owns. The idempotent producers need no cluster ACL:
 * since Kafka 3.0 (KIP-679) Write on a topic allows an idempotent producer id.
 */
export function kafkaAclsOf(service: KafkaService, namespace = ''): KafkaAcl[] {
  const { produces, consumes } = topicAccess[service];
  const topic = (name: string, operations: KafkaAclOperation[]): KafkaAcl => ({
    resource: 'topic',
    name: namespace + name,
    pattern: 'literal',
    operations,
  });
  return [
    ...produces.map((t) => topic(t, ['Write', 'Describe'])),
    ...consumes.map((t) => topic(t, ['Read', 'Describe'])),
    ...consumes.map((t) => topic(deadLetterTopicOf(t), ['Read', 'Write', 'Describe'])),
    ...(consumes.length
      ? [
          {
            resource: 'group',
            name: consumerGroupOf(service, namespace),
            pattern: 'literal',
            operations: ['Read'],
          } satisfies KafkaAcl,
          {
            resource: 'group',
            name: deadLetterReaderGroupPrefixOf(service, namespace),
            pattern: 'prefix',
            operations: ['Read', 'Delete'],
          } satisfies KafkaAcl,
        ]
      : []),
  ];
}

/** The service that produces a topic (each topic has exactly one: see the test). */
export function producerOf(topic: Topic): KafkaService | undefined {
  return (Object.keys(topicAccess) as KafkaService[]).find((service) =>
    (topicAccess[service].produces as readonly Topic[]).includes(topic),
  );
}

/**
 * What the autoscaler's Kafka user may do (KEDA's Kafka scaler, k8s/overlays/production/
 * autoscaling.yaml): read each consuming service's committed offsets and the topics' ends to
 * compute the lag — Describe on those groups and topics, nothing it could change.
 */
export function lagReaderAcls(namespace = ''): KafkaAcl[] {
  const consumers = (Object.keys(topicAccess) as KafkaService[]).filter(
    (service) => topicAccess[service].consumes.length > 0,
  );
  const topics = [...new Set(consumers.flatMap((service) => topicAccess[service].consumes))];
  return [
    ...topics.map((topic): KafkaAcl => ({
      resource: 'topic',
      name: namespace + topic,
      pattern: 'literal',
      operations: ['Describe'],
    })),
    ...consumers.map((service): KafkaAcl => ({
      resource: 'group',
      name: consumerGroupOf(service, namespace),
      pattern: 'literal',
      operations: ['Describe'],
    })),
  ];
}
