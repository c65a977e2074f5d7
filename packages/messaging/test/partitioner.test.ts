import { Writable } from 'node:stream';
import { Partitioners } from 'kafkajs';
import { pino } from 'pino';
import { createKafka, createProducer } from '../src/kafka.js';

/**
 * kafkajs 2 warns once per process, at the first producer created without a partitioner, that
 * its default changed. Every producer of the platform names the partitioner (createProducer):
 * the Java-compatible one kafkajs 2 has always used by default, so keys keep their partitions.
 */
describe('the producer partitioner', () => {
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  const kafka = createKafka({ clientId: 'partitioner-test', brokers: ['127.0.0.1:1'], logger });
  const partitionerWarnings = () => lines.filter((line) => /partitioner/i.test(line));

  it('is named, so creating a producer logs no partitioner warning', () => {
    expect(process.env.KAFKAJS_NO_PARTITIONER_WARNING).toBeUndefined();
    createProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
    createProducer(kafka);
    expect(partitionerWarnings()).toEqual([]);
  });

  it('is the Java-compatible murmur2 one, which kafkajs 2 used when none was named', () => {
    // kafkajs 2's producer defaults to DefaultPartitioner, an alias of this one: naming it moves
    // no key, and a Java client writing the same key picks the same partition.
    expect(Partitioners.DefaultPartitioner).toBe(Partitioners.JavaCompatiblePartitioner);
  });

  it('(the check works: a producer without a partitioner does log the warning)', () => {
    kafka.producer();
    expect(partitionerWarnings()).toHaveLength(1);
  });
});
