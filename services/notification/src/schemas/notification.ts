import { Type } from '@sinclair/typebox';

export const NotificationView = Type.Object({
  id: Type.String(),
  category: Type.String(),
  title: Type.String(),
  body: Type.String(),
  read: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const NotificationList = Type.Object({
  items: Type.Array(NotificationView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  unreadCount: Type.Integer(),
});

export const NotificationListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    unread: Type.Optional(Type.Boolean({ description: 'Only unread notifications' })),
  },
  { additionalProperties: false },
);

export const NotificationIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const UnreadCount = Type.Object({ unreadCount: Type.Integer() });

export const MarkedAll = Type.Object({ updated: Type.Integer() });
