import { createRequire } from 'node:module';
import { pino } from 'pino';
import { createKafka } from '../src/kafka.js';

/**
 * Kafka 4 removed old protocol versions (KIP-896) and may raise minimums again. kafkajs 2.2.4
 * sends, for each request, the highest version both it and the broker implement, and never
 * looks at the broker's minimum: a broker whose minimum is above kafkajs's highest would refuse
 * that request with UNSUPPORTED_VERSION. This asks the running broker for its ApiVersions
 * through kafkajs and checks every request kafkajs implements (ADR 0001 has the table for 4.3.1).
 */
describe('kafkajs against the running broker', () => {
  const require = createRequire(import.meta.url);
  const apiKeys = require('kafkajs/src/protocol/requests/apiKeys.js') as Record<string, number>;
  const { requests } = require('kafkajs/src/protocol/requests/index.js') as {
    requests: Record<string, { versions: string[] }>;
  };
  interface Range {
    minVersion: number;
    maxVersion: number;
  }
  interface Cluster {
    connect(): Promise<void>;
    disconnect(): Promise<void>;
    brokerPool: { seedBroker: { versions: Record<number, Range> } };
  }

  it('sends every request it implements at a version the broker serves', async () => {
    const kafka = createKafka({
      clientId: 'api-versions-test',
      brokers: [`127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`],
      logger: pino({ level: 'silent' }),
    });
    // kafkajs keeps its cluster factory behind a private symbol; the cluster holds the answer.
    const factory = Object.getOwnPropertySymbols(kafka).find(
      (s) => s.description === 'private:Kafka:createCluster',
    );
    const cluster = (kafka as unknown as Record<symbol, (o: object) => Cluster>)[factory!]!({});
    await cluster.connect();
    try {
      const served = cluster.brokerPool.seedBroker.versions;
      const sentBelowMinimum: string[] = [];
      for (const [name, apiKey] of Object.entries(apiKeys)) {
        const implemented = (requests[name]?.versions ?? []).map(Number);
        const range = served[apiKey];
        if (!implemented.length || !range) continue;
        // kafkajs's rule (src/protocol/requests/index.js, lookup).
        const sent = Math.min(Math.max(...implemented), range.maxVersion);
        if (sent < range.minVersion) {
          sentBelowMinimum.push(
            `${name} v${sent} (broker ${range.minVersion}–${range.maxVersion})`,
          );
        }
      }
      expect(sentBelowMinimum).toEqual([]);
      // What the platform sends at all: producing, consuming in groups, topics, offsets.
      const used = ['Produce', 'Fetch', 'ListOffsets', 'Metadata', 'OffsetCommit', 'OffsetFetch'];
      used.push('GroupCoordinator', 'JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup');
      used.push('CreateTopics', 'DeleteTopics', 'ApiVersions');
      expect(used.filter((name) => !served[apiKeys[name]!])).toEqual([]);
    } finally {
      await cluster.disconnect();
    }
  });
});
