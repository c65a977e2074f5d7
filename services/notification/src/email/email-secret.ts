/**
 * What a stored email body holds where its secret goes (a reset token). The body is rendered
 * with this, and the sender swaps in the secret it opens, just before sending.
 */
export const SECRET_PLACEHOLDER = '[[switchyard:secret]]';

/** Put the opened secret where the placeholder is, in text and HTML alike. */
export function withSecret(body: string, secret: string): string {
  return body.split(SECRET_PLACEHOLDER).join(secret);
}
