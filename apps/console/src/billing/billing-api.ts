import type { operations } from '@switchyard/client';
import { api } from '../api/api-client';

// Every call the billing screens make, on the public API through the typed client.

export const BILLING_PER_PAGE = 25;

export async function listPlans(cursor?: string) {
  const { data } = await api.GET('/v1/admin/plans', {
    params: { query: { limit: BILLING_PER_PAGE, ...(cursor ? { cursor } : {}) } },
  });
  return data!;
}
export type Plan = Awaited<ReturnType<typeof listPlans>>['items'][number];

export type SubscriptionStatus = NonNullable<
  NonNullable<operations['listAllSubscriptions']['parameters']['query']>['status']
>;
export const SUBSCRIPTION_STATUSES: Record<SubscriptionStatus, string> = {
  incomplete: 'Incomplete',
  trialing: 'Trial',
  active: 'Active',
  past_due: 'Past due',
  canceled: 'Cancelled',
};

export async function listSubscriptions(options: { status?: SubscriptionStatus; cursor?: string }) {
  const { data } = await api.GET('/v1/admin/subscriptions', {
    params: { query: { limit: BILLING_PER_PAGE, ...options } },
  });
  return data!;
}
export type Subscription = Awaited<ReturnType<typeof listSubscriptions>>['items'][number];

export type DocumentKind = 'invoices' | 'credit-notes';

/** Invoices or credit notes of every customer, newest first. */
export async function listDocuments(kind: DocumentKind, cursor?: string) {
  const query = { limit: BILLING_PER_PAGE, ...(cursor ? { cursor } : {}) };
  const { data } =
    kind === 'invoices'
      ? await api.GET('/v1/admin/invoices', { params: { query } })
      : await api.GET('/v1/admin/credit-notes', { params: { query } });
  return data!;
}
export type BillingDocument = Awaited<ReturnType<typeof listDocuments>>['items'][number];

/** A document's PDF, as billing rendered it when it was issued. */
export async function downloadPdf(kind: DocumentKind, id: string): Promise<Blob> {
  const options = { params: { path: { id } }, parseAs: 'blob' as const };
  const { data } =
    kind === 'invoices'
      ? await api.GET('/v1/invoices/{id}.pdf', options)
      : await api.GET('/v1/credit-notes/{id}.pdf', options);
  return data as unknown as Blob;
}
