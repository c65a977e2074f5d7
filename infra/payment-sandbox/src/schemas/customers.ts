import { Type } from '@sinclair/typebox';
import { Expand, Metadata } from './common.js';

const fields = {
  email: Type.Optional(Type.String({ maxLength: 512 })),
  name: Type.Optional(Type.String({ maxLength: 256 })),
  phone: Type.Optional(Type.String({ maxLength: 20 })),
  description: Type.Optional(Type.String({ maxLength: 350 })),
  metadata: Type.Optional(Metadata),
  invoice_settings: Type.Optional(
    Type.Object(
      { default_payment_method: Type.Optional(Type.String({ maxLength: 255 })) },
      { additionalProperties: false },
    ),
  ),
  expand: Expand,
};

export const CreateCustomer = Type.Object(
  { ...fields, payment_method: Type.Optional(Type.String({ maxLength: 255 })) },
  { additionalProperties: false },
);

export const UpdateCustomer = Type.Object(fields, { additionalProperties: false });

export const AttachPaymentMethod = Type.Object(
  { customer: Type.String({ minLength: 1, maxLength: 255 }), expand: Expand },
  { additionalProperties: false },
);

export const DetachPaymentMethod = Type.Object({ expand: Expand }, { additionalProperties: false });
