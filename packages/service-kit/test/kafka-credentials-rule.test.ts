import { loadConfig } from '../src/config.js';
import { KafkaEnv } from '../src/env.js';
import { kafkaCredentialsRule } from '../src/kafka-credentials-rule.js';

const load = (env: Record<string, string>) => loadConfig(KafkaEnv, env, [kafkaCredentialsRule]);

describe('Kafka login variables', () => {
  it('default to plaintext without a login', () => {
    expect(load({})).toMatchObject({
      KAFKA_SASL_MECHANISM: 'none',
      KAFKA_SASL_USERNAME: '',
      KAFKA_SASL_PASSWORD: '',
      KAFKA_SSL: false,
    });
  });

  it('take a SCRAM login with its username and password', () => {
    const env = {
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'order',
      KAFKA_SASL_PASSWORD: 'secret',
      KAFKA_SSL: 'true',
    };
    expect(load(env)).toMatchObject({ ...env, KAFKA_SSL: true });
  });

  it('refuse a mechanism without a password, naming the variable', () => {
    expect(() =>
      load({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'order' }),
    ).toThrow(
      /^missing environment variable KAFKA_SASL_PASSWORD: KAFKA_SASL_MECHANISM is scram-sha-512$/,
    );
  });

  it('refuse a username without a mechanism, which would be silently unused', () => {
    expect(() => load({ KAFKA_SASL_USERNAME: 'order', KAFKA_SASL_PASSWORD: 'x' })).toThrow(
      /^missing environment variable KAFKA_SASL_MECHANISM: KAFKA_SASL_USERNAME is set/,
    );
  });

  it('refuse an unknown mechanism', () => {
    expect(() => load({ KAFKA_SASL_MECHANISM: 'plain' })).toThrow(
      /^invalid environment variable KAFKA_SASL_MECHANISM: must be one of none, scram-sha-512, scram-sha-256$/,
    );
  });
});
