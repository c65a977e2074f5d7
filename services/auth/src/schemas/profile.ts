import { Type } from '@sinclair/typebox';
import { BillingAddress } from '@switchyard/contracts';

// The contract's shape is the one billing receives in user.profile_updated: the API takes
// exactly that, so what a customer may store is what an invoice can show.
const NullableBillingAddress = Type.Union([BillingAddress, Type.Null()], {
  description: 'Where invoices are addressed; null until given',
});

const exampleAddress = {
  line1: '12 St James’s Square',
  line2: null,
  city: 'London',
  postalCode: 'SW1Y 4JH',
  region: null,
  country: 'GB',
};

export const ProfileView = Type.Object(
  {
    name: Type.String(),
    email: Type.String(),
    billingAddress: NullableBillingAddress,
  },
  { additionalProperties: false },
);

export const UpdateProfileBody = Type.Object(
  {
    // At least one visible character: the name is trimmed before it is stored.
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    billingAddress: NullableBillingAddress,
  },
  {
    examples: [{ name: 'Ada Lovelace', billingAddress: exampleAddress }],
    additionalProperties: false,
  },
);
