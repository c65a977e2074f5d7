import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  allTopics,
  consumerGroupOf,
  createEvent,
  deadLetterReaderGroupPrefixOf,
  deadLetterTopicOf,
  toWireMessage,
  Topics,
  type KafkaService,
} from '@switchyard/contracts';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { pino } from 'pino';
// By path: @switchyard/testing depends on this package, so it cannot be a dependency of it. Its
// freePort keeps the broker's ports out of the range outgoing connections take theirs from.
import { freePort } from '../../testing/src/free-port.js';
import { DeadLetterReplayRefused, listDeadLetters, replayDeadLetter } from '../src/dead-letters.js';
import { sendToDeadLetterTopic } from '../src/dead-letter-producer.js';
import { grantKafkaAcls } from '../src/kafka-acls.js';
import { kafkaCredentialsOf } from '../src/kafka-credentials.js';
import { createKafka, createProducer, ensureTopics } from '../src/kafka.js';

/**
 * Production's Kafka refuses a service what its ACLs do not allow (issue 23): here a real broker
 * with a SCRAM-SHA-512 listener and ACLs enforced (infra/kafka/start.sh, KAFKA_SECURITY=scram,
 * on free ports with its own data), each service logging in as its own user with exactly the
 * ACLs contracts' topicAccess gives it — the table production's KafkaUsers are checked against.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);
const services: KafkaService[] = ['auth', 'order', 'payment', 'notification'];
const passwords = Object.fromEntries(
  [...services, 'admin'].map((user) => [user, randomBytes(12).toString('hex')]),
);
const home = mkdtempSync(path.join(tmpdir(), 'switchyard-kafka-scram-'));
let brokers: string[];

/** A client logged in as `user`, exactly as a service builds one from its KAFKA_SASL_* variables. */
function kafkaAs(user: string, password = passwords[user]!): Kafka {
  return createKafka({
    clientId: `${user}-acl-test`,
    brokers,
    logger: pino({ level: 'silent' }),
    retries: 2,
    credentials: kafkaCredentialsOf({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: user,
      KAFKA_SASL_PASSWORD: password,
    }),
  });
}

/** Send one event as `user` with the platform's producer (idempotent, as the outbox relay's). */
async function publishAs(user: string, message: { topic: string; key: string; value: string }) {
  const producer = createProducer(kafkaAs(user), { idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({
      topic: message.topic,
      acks: -1,
      messages: [{ key: message.key, value: message.value }],
    });
  } finally {
    await producer.disconnect();
  }
}

const paymentSucceeded = () => {
  const orderId = randomUUID();
  const wire = toWireMessage(
    createEvent('payment.succeeded', {
      source: 'payment',
      subject: orderId,
      data: {
        paymentId: randomUUID(),
        orderId,
        userId: randomUUID(),
        amount: { amount: 1200, currency: 'EUR' },
        providerChargeId: 'ch_acl_test',
      },
    }),
  );
  return { topic: wire.topic, key: wire.key, value: Buffer.from(wire.value).toString() };
};

/** The error kafkajs gives up with: its protocol error's type, or the message. */
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'allowed',
    (error: { type?: string; cause?: { type?: string }; message: string }) =>
      error.type ?? error.cause?.type ?? error.message,
  );

beforeAll(async () => {
  const [port, controllerPort] = [await freePort(), await freePort()];
  brokers = [`127.0.0.1:${port}`];
  await run('bash', [path.join(root, 'infra/kafka/start.sh')], {
    env: {
      ...process.env,
      KAFKA_SECURITY: 'scram',
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_HOME_DIR: home,
      KAFKA_SCRAM_ADMIN_PASSWORD: passwords.admin,
      KAFKA_SCRAM_USERS: services.map((s) => `${s}:${passwords[s]}`).join(','),
      KAFKA_SKIP_TOPICS: '1',
    },
    timeout: 300_000,
  });
  const admin = kafkaAs('admin').admin();
  await admin.connect();
  try {
    await ensureTopics(kafkaAs('admin'), allTopics, { numPartitions: 1 });
    for (const service of services) await grantKafkaAcls(admin, service);
  } finally {
    await admin.disconnect();
  }
}, 300_000);

afterAll(async () => {
  await run('bash', [path.join(root, 'infra/kafka/stop.sh')], {
    env: { ...process.env, KAFKA_HOME_DIR: home },
  }).catch(() => {});
  rmSync(home, { recursive: true, force: true });
}, 60_000);

describe('Kafka ACLs from the topic-access table, on a SCRAM broker', () => {
  it('refuses notification when it writes payment.succeeded: no pod but payment can forge it', async () => {
    expect(await refusal(publishAs('notification', paymentSucceeded()))).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
  });

  it('refuses order, which consumes payments but does not own them, the same', async () => {
    expect(await refusal(publishAs('order', paymentSucceeded()))).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
  });

  it('lets payment write payment.succeeded, and notification read it with its own group', async () => {
    const event = paymentSucceeded();
    await publishAs('payment', event);

    const consumer = kafkaAs('notification').consumer({
      groupId: consumerGroupOf('notification'),
      allowAutoTopicCreation: false,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: Topics.payments, fromBeginning: true });
      const message = await new Promise<KafkaMessage>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ message }) => {
              if (message.key?.toString() === event.key) resolve(message);
            },
          })
          .catch(reject);
      });
      expect(message.value?.toString()).toBe(event.value);
    } finally {
      await consumer.disconnect();
    }
  });

  it('refuses notification a consumer group that is not its own', async () => {
    const consumer = kafkaAs('notification').consumer({ groupId: consumerGroupOf('payment') });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: Topics.orders, fromBeginning: true });
      const crashed = new Promise<string>((resolve) =>
        consumer.on(consumer.events.CRASH, ({ payload }) =>
          resolve((payload.error as { type?: string }).type ?? (payload.error as Error).message),
        ),
      );
      await consumer.run({ eachMessage: async () => {} }).catch(() => {});
      // The broker answers FindCoordinator with GROUP_AUTHORIZATION_FAILED; kafkajs tries the
      // next broker and reports only that none found a coordinator. With its own group (above)
      // the same user joins at once: the ACL is the difference.
      expect(await crashed).toBe('Failed to find group coordinator');
    } finally {
      await consumer.disconnect();
    }
  });

  it('lets notification dead-letter what it reads and list it, but not replay it onto payments', async () => {
    const event = paymentSucceeded();
    const kafka = kafkaAs('notification');
    const producer = createProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await sendToDeadLetterTopic(
        producer,
        {
          topic: Topics.payments,
          partition: 0,
          message: {
            key: Buffer.from(event.key),
            value: Buffer.from(event.value),
            headers: {},
            offset: '0',
            timestamp: String(Date.now()),
            attributes: 0,
          },
        },
        'handler failed',
        consumerGroupOf('notification'),
      );
    } finally {
      await producer.disconnect();
    }
    const letters = await listDeadLetters(kafka, {
      topic: Topics.payments,
      consumerGroup: consumerGroupOf('notification'),
      readerGroupPrefix: deadLetterReaderGroupPrefixOf('notification'),
    });
    expect(letters.map((l) => [l.deadLetterTopic, l.key, l.reason])).toContainEqual([
      deadLetterTopicOf(Topics.payments),
      event.key,
      'handler failed',
    ]);

    // Replaying puts it back on payments, which notification may not write: refused by name
    // (the route answers 403), never published behind payment's back.
    const letter = letters.find((l) => l.key === event.key)!;
    await expect(
      replayDeadLetter(kafka, {
        deadLetterTopic: letter.deadLetterTopic,
        partition: letter.partition,
        offset: letter.offset,
        readerGroupPrefix: deadLetterReaderGroupPrefixOf('notification'),
      }),
    ).rejects.toBeInstanceOf(DeadLetterReplayRefused);
  });

  it('refuses a login with a wrong password', async () => {
    const admin = kafkaAs('payment', 'not-the-password').admin();
    expect(await refusal(admin.connect())).toMatch(/SASL SCRAM SHA512 authentication failed/);
    await admin.disconnect();
  });
});
