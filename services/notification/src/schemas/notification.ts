import { Type } from '@sinclair/typebox';

export const NotificationView = Type.Object({
  id: Type.String(),
  category: Type.String(),
  title: Type.String(),
  body: Type.String(),
  read: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const NotificationList = Type.Object({ items: Type.Array(NotificationView) });
