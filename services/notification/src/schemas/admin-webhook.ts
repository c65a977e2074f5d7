import { Type } from '@sinclair/typebox';
import { EndpointView } from './webhook.js';

const OwnerKind = Type.Union([Type.Literal('user'), Type.Literal('client')]);

/** An endpoint as an admin sees it: whose it is besides what it is. */
export const AdminEndpointView = Type.Composite([
  EndpointView,
  Type.Object({
    owner: Type.Object({
      kind: OwnerKind,
      id: Type.String({ description: "A user's id, or a machine client's client id" }),
    }),
  }),
]);

export const AdminEndpointList = Type.Object({
  items: Type.Array(AdminEndpointView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const AdminEndpointListQuery = Type.Object(
  {
    ownerId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        pattern: '^[^\\u0000]*$',
        description: "Only this owner's endpoints (a user id or a client id)",
      }),
    ),
    ownerKind: Type.Optional(OwnerKind),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
