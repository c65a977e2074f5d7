import { Type, type Static } from '@sinclair/typebox';
import { AuditEnv } from '@switchyard/audit';
import { DatabaseEnv, KafkaEnv, SealingKeyring, ServerEnv } from '@switchyard/service-kit';
import { MAX_CLIENT_SECRET_OVERLAP_SECONDS } from './schemas/auth.js';

/**
 * How long a machine client's replaced secret is still accepted after a rotation (a rotation
 * may ask for less, down to 0), so an integration can roll its configuration over. Read by the
 * service and by the rotate-machine-client-secret CLI, so both default alike.
 */
export const MachineClientSecretOverlapEnv = Type.Object({
  MACHINE_CLIENT_SECRET_OVERLAP_SECONDS: Type.Integer({
    minimum: 0,
    maximum: MAX_CLIENT_SECRET_OVERLAP_SECONDS,
    default: 86_400,
  }),
});

export const AuthConfig = Type.Composite([
  ServerEnv,
  DatabaseEnv,
  KafkaEnv,
  MachineClientSecretOverlapEnv,
  // AUDIT_RETENTION_DAYS (default 400): older audit entries are purged, every
  // AUDIT_PURGE_INTERVAL_MS (default an hour); verification starts at the purge's anchor.
  AuditEnv,
  Type.Object({
    REDIS_URL: Type.String({ pattern: '^rediss?://', default: 'redis://127.0.0.1:6379' }),
    /**
     * The public issuer: the gateway's URL, so the RFC 8414 metadata is at
     * <issuer>/.well-known/oauth-authorization-server (there is no OIDC discovery document).
     */
    AUTH_ISSUER: Type.String({ default: 'switchyard-auth' }),
    AUTH_AUDIENCE: Type.String({ default: 'switchyard-api' }),
    ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 900 }),
    REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 300, default: 30 * 24 * 3600 }),
    PASSWORD_RESET_TTL_SECONDS: Type.Integer({ minimum: 300, maximum: 86_400, default: 1800 }),
    /** How long an emailed verification link (an address, or a change of address) works. */
    EMAIL_VERIFICATION_TTL_SECONDS: Type.Integer({
      minimum: 300,
      maximum: 7 * 86_400,
      default: 86_400,
    }),
    /** Verification emails one account may have sent per hour (then 429 with Retry-After). */
    VERIFICATION_EMAILS_PER_HOUR: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
    /**
     * Shared with the notification service only (one secret in k8s, reset-token-sealing):
     * seals reset tokens on their way to the email. A keyring: 32 random bytes each, base64
     * (`openssl rand -base64 32`), comma-separated, newest first; the first seals.
     */
    RESET_TOKEN_SEALING_KEY: SealingKeyring(),
    /**
     * Seals the token signing keys' private halves in the auth database, so a backup or a dump
     * alone cannot sign tokens. A keyring: 32 random bytes each, base64, comma-separated,
     * newest first; keys sealed under an older listed key are resealed at the next key load.
     */
    SIGNING_KEY_SEALING_KEY: SealingKeyring(),
    /** Failed logins for one account within the window before it is locked for the window. */
    LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, default: 5 }),
    /** Failed logins from one IP within the window before that IP is locked out. */
    LOGIN_MAX_FAILURES_PER_IP: Type.Integer({ minimum: 1, default: 50 }),
    LOGIN_FAILURE_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
    /**
     * Prefix of the sign-in counters in Redis: deployments (or test runs) sharing one Redis
     * keep separate budgets.
     */
    LOGIN_THROTTLE_NAMESPACE: Type.String({ minLength: 1, default: 'switchyard:auth:login' }),
    /** How often each replica rereads the signing keys (to publish and use rotated keys). */
    KEY_RELOAD_INTERVAL_MS: Type.Integer({ minimum: 100, default: 30_000 }),
    /**
     * How often each replica writes the disabled-user denylist again from the users table (and
     * at once whenever Redis reconnects), in case Redis lost it.
     */
    DENYLIST_SYNC_INTERVAL_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  }),
]);
export type AuthConfig = Static<typeof AuthConfig>;
