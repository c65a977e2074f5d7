import { Type, type Static } from '@sinclair/typebox';
import { AuthEnv, DatabaseEnv, KafkaEnv, ServerEnv } from '@switchyard/service-kit';

export const OrderConfig = Type.Composite([ServerEnv, DatabaseEnv, KafkaEnv, AuthEnv]);
export type OrderConfig = Static<typeof OrderConfig>;
