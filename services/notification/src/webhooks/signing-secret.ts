import { randomBytes } from 'node:crypto';

/** A new webhook signing secret, shown to its owner once (stored sealed, see SecretBox). */
export const newSigningSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;
