import { api } from '../api/api-client';

// Every call the dashboard makes, on the public API through the typed client.

/** Today's sales per currency and orders by status, in the reader's day (local midnight on). */
export async function getTodaysSales(now = new Date()) {
  const from = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const to = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  const { data } = await api.GET('/v1/admin/reports/sales', {
    params: { query: { from: from.toISOString(), to: to.toISOString() } },
  });
  return data!;
}
export type SalesReport = Awaited<ReturnType<typeof getTodaysSales>>;

/** A payment pending this long is stuck: the provider or its webhook never answered. */
export const STUCK_AFTER_MS = 15 * 60_000;
const PAYMENTS_SHOWN = 10;

/** Failed payments, and pending ones older than STUCK_AFTER_MS, newest first. */
export async function listTroubledPayments(now = Date.now()) {
  const [failed, pending, action] = await Promise.all(
    (['failed', 'pending', 'requires_action'] as const).map(async (status) => {
      const { data } = await api.GET('/v1/admin/payments', {
        params: { query: { status, limit: 100 } },
      });
      return data!.items;
    }),
  );
  const stuck = [...pending!, ...action!].filter(
    (p) => now - new Date(p.createdAt).getTime() > STUCK_AFTER_MS,
  );
  return { failed: failed!.slice(0, PAYMENTS_SHOWN), stuck: stuck.slice(0, PAYMENTS_SHOWN) };
}
export type TroubledPayment = Awaited<ReturnType<typeof listTroubledPayments>>['failed'][number];

export const MESSAGING_SERVICES = ['auth', 'order', 'payment', 'notification', 'billing'] as const;
export type MessagingService = (typeof MESSAGING_SERVICES)[number];

/** A service's outbox backlog and age, consumer lag and dead-letter count. */
export async function getMessagingStatus(service: MessagingService) {
  switch (service) {
    case 'auth':
      return (await api.GET('/v1/admin/messaging/auth')).data!;
    case 'order':
      return (await api.GET('/v1/admin/messaging/order')).data!;
    case 'payment':
      return (await api.GET('/v1/admin/messaging/payment')).data!;
    case 'notification':
      return (await api.GET('/v1/admin/messaging/notification')).data!;
    case 'billing':
      return (await api.GET('/v1/admin/messaging/billing')).data!;
  }
}
export type MessagingStatus = Awaited<ReturnType<typeof getMessagingStatus>>;
