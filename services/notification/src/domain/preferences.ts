import type { Category } from './compose-message.js';
import { CATEGORIES } from './compose-message.js';

export const CHANNELS = ['email', 'in_app', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

export type PreferenceMatrix = Record<Channel, Record<Category, boolean>>;

/** Every channel and category on: what a user has before choosing anything. */
export function defaultPreferences(): PreferenceMatrix {
  const all = Object.fromEntries(CATEGORIES.map((c) => [c, true])) as Record<Category, boolean>;
  return { email: { ...all }, in_app: { ...all }, webhook: { ...all } };
}

/** The stored choices (rows exist only for what the user changed) over the defaults. */
export function preferenceMatrix(
  rows: { channel: string; category: string; enabled: boolean }[],
): PreferenceMatrix {
  const matrix = defaultPreferences();
  for (const row of rows)
    if (row.channel in matrix && row.category in matrix[row.channel as Channel])
      matrix[row.channel as Channel][row.category as Category] = row.enabled;
  return matrix;
}

/**
 * Messages a user cannot turn off: a password reset and an address's verification link are only
 * ever delivered by email, and are what they asked for a moment ago; a change of address is
 * told to the old one whatever it chose (it may not be theirs who changed it).
 */
export const MANDATORY_EMAIL_EVENTS = new Set([
  'user.password_reset_requested',
  'user.email_verification_requested',
  'user.email_changed',
]);
