import { Type } from '@sinclair/typebox';

const Categories = (required: boolean) => {
  const flag = required ? Type.Boolean() : Type.Optional(Type.Boolean());
  return Type.Object(
    { account: flag, order: flag, payment: flag, billing: flag },
    { additionalProperties: false },
  );
};

export const Preferences = Type.Object({
  email: Categories(true),
  in_app: Categories(true),
  webhook: Categories(true),
});

export const PreferencesPatch = Type.Object(
  {
    email: Type.Optional(Categories(false)),
    in_app: Type.Optional(Categories(false)),
    webhook: Type.Optional(Categories(false)),
  },
  { examples: [{ email: { order: false } }], additionalProperties: false, minProperties: 1 },
);
