import { randomBytes } from 'node:crypto';

/**
 * A new webhook signing secret in the Standard Webhooks form, `whsec_` + base64 of 32 random
 * bytes; shown to its owner once (stored sealed, see SecretBox).
 */
export const newSigningSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
