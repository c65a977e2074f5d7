import { createRequire } from 'node:module';
import { pino } from 'pino';
import { createKafka } from '../src/kafka.js';

/**
 * kafkajs 2.2.4 re-armed a 1 ms timer for ever on every idle broker connection (its issue
 * #1556), so an idle service spent several percent of a core on nothing (docs/benchmarks.md,
 * the stack at rest). patches/kafkajs@2.2.4.patch stops that; this test holds a real
 * connection to the broker idle and counts the request queue's checks.
 */
describe('kafkajs on an idle connection', () => {
  const require = createRequire(import.meta.url);
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
    prototype: { checkPendingRequests: () => void };
  };

  it('does not keep checking an empty request queue', async () => {
    const original = RequestQueue.prototype.checkPendingRequests;
    let checks = 0;
    RequestQueue.prototype.checkPendingRequests = function (this: unknown) {
      checks++;
      return original.call(this);
    };
    const kafka = createKafka({
      clientId: 'idle-test',
      brokers: [`127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`],
      logger: pino({ level: 'silent' }),
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.listTopics(); // a real request, so the connection has been used
      checks = 0;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // Unpatched: hundreds of checks per second per connection. Patched: none while idle.
      expect(checks).toBeLessThan(10);
    } finally {
      await admin.disconnect();
      RequestQueue.prototype.checkPendingRequests = original;
    }
  });
});
