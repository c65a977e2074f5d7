import type { ConfigRule } from './config.js';

/** The Kafka login variables (KafkaEnv), as the rule and the CLIs read them. */
export interface KafkaCredentialVariables {
  KAFKA_SASL_MECHANISM?: string;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
}

const mechanisms = ['scram-sha-512', 'scram-sha-256'];

/**
 * The one-line problem with the Kafka login variables, or undefined when they hold together:
 * a mechanism needs a username and a password, and a username or password without a mechanism
 * would be silently unused (the broker would then refuse a plaintext client, far from the cause).
 */
export function kafkaCredentialsProblem(env: KafkaCredentialVariables): string | undefined {
  const mechanism = env.KAFKA_SASL_MECHANISM || 'none';
  if (mechanism === 'none') {
    const stray = env.KAFKA_SASL_USERNAME
      ? 'KAFKA_SASL_USERNAME'
      : env.KAFKA_SASL_PASSWORD
        ? 'KAFKA_SASL_PASSWORD'
        : undefined;
    return stray
      ? `missing environment variable KAFKA_SASL_MECHANISM: ${stray} is set, so name the mechanism (scram-sha-512)`
      : undefined;
  }
  if (!mechanisms.includes(mechanism))
    return `invalid environment variable KAFKA_SASL_MECHANISM: must be one of none, ${mechanisms.join(', ')}`;
  for (const variable of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
    if (!env[variable])
      return `missing environment variable ${variable}: KAFKA_SASL_MECHANISM is ${mechanism}`;
  }
  return undefined;
}

/** For loadConfig: a service's Kafka login variables hold together (kafkaCredentialsProblem). */
export const kafkaCredentialsRule: ConfigRule<KafkaCredentialVariables> = kafkaCredentialsProblem;
