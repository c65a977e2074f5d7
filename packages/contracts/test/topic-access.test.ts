import { kafkaAclsOf, producerOf, topicAccess, Topics, type KafkaService } from '../src/index.js';

const services = Object.keys(topicAccess) as KafkaService[];

describe('topic access', () => {
  it('gives every topic exactly one producing service', () => {
    for (const topic of Object.values(Topics)) {
      const producers = services.filter((s) =>
        (topicAccess[s].produces as readonly string[]).includes(topic),
      );
      expect({ topic, producers }).toEqual({ topic, producers: [producerOf(topic)] });
    }
  });

  it('grants Write only on the topics a service owns and the dead-letter twins of what it reads', () => {
    for (const service of services) {
      const writable = kafkaAclsOf(service)
        .filter((acl) => acl.operations.includes('Write'))
        .map((acl) => acl.name)
        .sort();
      const expected = [
        ...topicAccess[service].produces,
        ...topicAccess[service].consumes.map((t) => `${t}.dlt`),
      ].sort();
      expect({ service, writable }).toEqual({ service, writable: expected });
    }
  });

  it('keeps notification, which only reads, off every platform topic for writing', () => {
    const written = kafkaAclsOf('notification').filter(
      (acl) =>
        acl.operations.includes('Write') && (Object.values(Topics) as string[]).includes(acl.name),
    );
    expect(written).toEqual([]);
  });

  it('prefixes every topic and group with the namespace', () => {
    for (const acl of kafkaAclsOf('order', 'test-1.')) expect(acl.name).toMatch(/^test-1\./);
  });
});
