import { Type, type Static } from '@sinclair/typebox';
import { ServerEnv } from '@switchyard/service-kit';

export const SandboxConfig = Type.Composite([
  ServerEnv,
  Type.Object({
    /** The secret key merchants authenticate with (`Authorization: Bearer <key>`). */
    SANDBOX_API_KEY: Type.String({ minLength: 8, default: 'sk_test_switchyard_sandbox' }),
    /** Where webhooks go; without it the sandbox sends none (like an account with no endpoint). */
    SANDBOX_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
    /**
     * The webhook endpoint's signing secret, Stripe's `whsec_…` format: what the merchant passes
     * to `stripe.webhooks.constructEvent` to verify the `Stripe-Signature` header.
     */
    SANDBOX_WEBHOOK_SECRET: Type.String({ minLength: 16, default: 'whsec_switchyard_sandbox_dev' }),
    /** How long a `pm_card_delayed` payment stays `processing` before it succeeds. */
    SANDBOX_DELAY_MS: Type.Integer({ minimum: 0, default: 2000 }),
    /** How long `pm_card_provider_timeout` hangs on its first attempt. */
    SANDBOX_HANG_MS: Type.Integer({ minimum: 0, default: 30_000 }),
    /** How long `pm_card_slow` takes to answer each attempt. */
    SANDBOX_SLOW_MS: Type.Integer({ minimum: 0, default: 8_000 }),
    /** First wait between webhook delivery attempts; doubles each time. */
    SANDBOX_WEBHOOK_RETRY_MS: Type.Integer({ minimum: 1, default: 1000 }),
    SANDBOX_WEBHOOK_MAX_ATTEMPTS: Type.Integer({ minimum: 1, default: 8 }),
    /**
     * Where the sandbox keeps its objects, idempotent answers and clock across restarts (a
     * JSON-lines journal). Unset: in memory only, as for a throwaway test account.
     */
    SANDBOX_DATA_FILE: Type.Optional(Type.String({ minLength: 1 })),
  }),
]);
export type SandboxConfig = Static<typeof SandboxConfig>;
