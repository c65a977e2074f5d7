import { kafkaCredentialsProblem, type KafkaCredentialVariables } from '@switchyard/service-kit';
import type { SASLOptions } from 'kafkajs';

/** How a client authenticates to the brokers: what kafkajs takes as `sasl` and `ssl`. */
export interface KafkaCredentials {
  sasl?: SASLOptions;
  ssl?: boolean;
}

/** The variables that choose them: service-kit's KafkaEnv (the CLIs read the same names). */
export interface KafkaCredentialSettings extends KafkaCredentialVariables {
  /** TLS to the brokers; independent of SASL. */
  KAFKA_SSL?: boolean | string;
}

/**
 * kafkajs's `sasl` and `ssl` from the variables: none of them set is plaintext without a login
 * (the local broker). Throws the one-line problem when they do not hold together.
 */
export function kafkaCredentialsOf(settings: KafkaCredentialSettings): KafkaCredentials {
  const problem = kafkaCredentialsProblem(settings);
  if (problem) throw new Error(problem);
  const mechanism = settings.KAFKA_SASL_MECHANISM || 'none';
  const ssl = settings.KAFKA_SSL === true || settings.KAFKA_SSL === 'true';
  return {
    ...(ssl ? { ssl } : {}),
    ...(mechanism === 'none'
      ? {}
      : {
          sasl: {
            mechanism: mechanism as 'scram-sha-512' | 'scram-sha-256',
            username: settings.KAFKA_SASL_USERNAME!,
            password: settings.KAFKA_SASL_PASSWORD!,
          },
        }),
  };
}
