import type { EventEnvelope, EventPayload } from '@switchyard/contracts';

/**
 * The address an account event says is the user's current one, to keep the recipients table
 * fresh: a registration, a reset or a verification of the current address, and a completed
 * change. Never a change's link: that address is not theirs until it is verified.
 */
export function currentAddressOf(
  event: EventEnvelope,
): { userId: string; email: string; name: string } | null {
  switch (event.name) {
    case 'user.registered':
    case 'user.password_reset_requested':
    case 'user.email_changed': {
      const d = event.data as EventPayload<'user.registered'>;
      return { userId: d.userId, email: d.email, name: d.name };
    }
    case 'user.email_verification_requested': {
      const d = event.data as EventPayload<'user.email_verification_requested'>;
      return d.purpose === 'verify' ? { userId: d.userId, email: d.email, name: d.name } : null;
    }
    default:
      return null;
  }
}

/**
 * Where an event's email goes when not to the recipient's current address: a change's link to
 * the new address, and the notice of a change to the old one (whoever changed it is told there).
 */
export function toAddressOf(event: EventEnvelope): string | null {
  if (event.name === 'user.email_verification_requested') {
    const d = event.data as EventPayload<'user.email_verification_requested'>;
    return d.purpose === 'change' ? d.email : null;
  }
  if (event.name === 'user.email_changed')
    return (event.data as EventPayload<'user.email_changed'>).previousEmail;
  return null;
}

/** The sealed secret an event's email carries (a reset or verification token); it stays sealed. */
export function emailSecretOf(event: EventEnvelope): string | null {
  if (event.name === 'user.password_reset_requested')
    return (event.data as EventPayload<'user.password_reset_requested'>).sealedResetToken;
  if (event.name === 'user.email_verification_requested')
    return (event.data as EventPayload<'user.email_verification_requested'>)
      .sealedVerificationToken;
  return null;
}
