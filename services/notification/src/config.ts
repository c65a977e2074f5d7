import { Type, type Static } from '@sinclair/typebox';
import { AuthEnv, DatabaseEnv, KafkaEnv, ServerEnv } from '@switchyard/service-kit';

export const NotificationConfig = Type.Composite([
  ServerEnv,
  DatabaseEnv,
  KafkaEnv,
  AuthEnv,
  Type.Object({
    /** e.g. smtp://127.0.0.1:1025 locally, smtps://user:pass@relay:465 in production. */
    SMTP_URL: Type.String({ pattern: '^smtps?://' }),
    MAIL_FROM: Type.String({ default: 'Switchyard <no-reply@switchyard.local>' }),
    EMAIL_POLL_INTERVAL_MS: Type.Integer({ minimum: 50, default: 500 }),
  }),
]);
export type NotificationConfig = Static<typeof NotificationConfig>;
