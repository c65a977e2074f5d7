import { Type } from '@sinclair/typebox';
import { Expand, Metadata } from './common.js';

export const CreateSetupIntent = Type.Object(
  {
    customer: Type.Optional(Type.String({ maxLength: 255 })),
    payment_method: Type.Optional(Type.String({ maxLength: 255 })),
    payment_method_types: Type.Optional(Type.Array(Type.Literal('card'), { maxItems: 1 })),
    allowed_payment_method_types: Type.Optional(Type.Array(Type.Literal('card'), { maxItems: 1 })),
    confirm: Type.Optional(Type.Boolean()),
    usage: Type.Optional(Type.Union([Type.Literal('off_session'), Type.Literal('on_session')])),
    return_url: Type.Optional(Type.String({ maxLength: 2048 })),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    metadata: Type.Optional(Metadata),
    expand: Expand,
  },
  { additionalProperties: false },
);

export const ConfirmSetupIntent = Type.Object(
  {
    payment_method: Type.Optional(Type.String({ maxLength: 255 })),
    return_url: Type.Optional(Type.String({ maxLength: 2048 })),
    expand: Expand,
  },
  { additionalProperties: false },
);
