import { Type, type Static } from '@sinclair/typebox';
import { AuthEnv, DatabaseEnv, KafkaEnv, ServerEnv } from '@switchyard/service-kit';

export const PaymentConfig = Type.Composite([ServerEnv, DatabaseEnv, KafkaEnv, AuthEnv]);
export type PaymentConfig = Static<typeof PaymentConfig>;
