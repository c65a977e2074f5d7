import type { Static } from '@sinclair/typebox';
import type { BillingAddress } from '@switchyard/contracts';
import type { User } from '../generated/prisma/client.js';

export type BillingAddressValue = Static<typeof BillingAddress>;

export interface ProfileView {
  name: string;
  email: string;
  billingAddress: BillingAddressValue | null;
}

/** The customer's own profile: name, email and the address their invoices carry. */
export function toProfileView(user: User): ProfileView {
  return {
    name: user.name,
    email: user.email,
    // Only ever written by updateProfile, from a body the BillingAddress schema accepted.
    billingAddress: (user.billingAddress as BillingAddressValue | null) ?? null,
  };
}
