#!/usr/bin/env node
// Inspect and replay dead-lettered messages (reads KAFKA_BROKERS, KAFKA_NAMESPACE, and the
// KAFKA_SASL_* / KAFKA_SSL login of a Kafka user allowed to do it: docs/operations.md).
//   switchyard-dead-letters list <topic> [--group <consumer-group>] [--limit N]
//   switchyard-dead-letters replay <topic> <partition> <offset>
// <topic> is the consumed topic without the namespace (e.g. switchyard.payments.v1); the
// dead-letter topic is <topic>.dlt. `list` prints one JSON object per line.
import { parseArgs } from 'node:util';
import { deadLetterTopicOf } from '@switchyard/contracts';
import { pino } from 'pino';
import {
  DeadLetterNotFound,
  DeadLetterReplayRefused,
  listDeadLetters,
  replayDeadLetter,
} from '../dead-letters.js';
import { createKafka } from '../kafka.js';
import { kafkaCredentialsOf } from '../kafka-credentials.js';

const usage = `usage:
  switchyard-dead-letters list <topic> [--group <consumer-group>] [--limit N]
  switchyard-dead-letters replay <topic> <partition> <offset>`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { group: { type: 'string' }, limit: { type: 'string' } },
});
const [command, topicArg, partitionArg, offsetArg] = positionals;
const namespace = process.env.KAFKA_NAMESPACE ?? '';
const kafka = createKafka({
  clientId: 'dead-letters-cli',
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  logger: pino({ level: 'error' }),
  credentials: kafkaCredentialsOf(process.env),
});

try {
  if (command === 'list' && topicArg) {
    const letters = await listDeadLetters(kafka, {
      topic: namespace + topicArg,
      consumerGroup: values.group ? namespace + values.group : undefined,
      limit: values.limit ? Number(values.limit) : 1000,
    });
    for (const letter of letters) console.log(JSON.stringify(letter));
    if (letters.length === 0) console.error(`no dead letters for ${topicArg}`);
  } else if (command === 'replay' && topicArg && partitionArg && /^\d+$/.test(offsetArg ?? '')) {
    const letter = await replayDeadLetter(kafka, {
      deadLetterTopic: deadLetterTopicOf(namespace + topicArg),
      partition: Number(partitionArg),
      offset: offsetArg!,
    });
    console.log(`replayed event ${letter.eventId ?? '(no id)'} onto ${letter.originalTopic}`);
  } else {
    console.error(usage);
    process.exitCode = 2;
  }
} catch (error) {
  console.error(
    error instanceof DeadLetterNotFound || error instanceof DeadLetterReplayRefused
      ? error.message
      : `failed: ${(error as Error).message}`,
  );
  process.exitCode = 1;
}
