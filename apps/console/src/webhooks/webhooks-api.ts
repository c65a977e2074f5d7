import type { operations } from '@switchyard/client';
import { api } from '../api/api-client';

// Every call the webhook screens make, on the public API through the typed client.

export const ENDPOINTS_PER_PAGE = 25;
export const DELIVERIES_PER_PAGE = 20;

type EndpointQuery = NonNullable<operations['listAllWebhookEndpoints']['parameters']['query']>;

/** Every integrator's endpoints, newest first; `ownerId` narrows to one owner's. */
export async function listEndpoints(filter: Omit<EndpointQuery, 'limit'>) {
  const { data } = await api.GET('/v1/admin/webhooks/endpoints', {
    params: { query: { limit: ENDPOINTS_PER_PAGE, ...filter } },
  });
  return data!;
}
export type Endpoint = Awaited<ReturnType<typeof listEndpoints>>['items'][number];

export async function getEndpoint(id: string) {
  const { data } = await api.GET('/v1/admin/webhooks/endpoints/{id}', {
    params: { path: { id } },
  });
  return data!;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** An endpoint's deliveries, newest first, each with every attempt. */
export async function listDeliveries(
  endpointId: string,
  options: { status?: DeliveryStatus; cursor?: string },
) {
  const { data } = await api.GET('/v1/admin/webhooks/endpoints/{id}/deliveries', {
    params: { path: { id: endpointId }, query: { limit: DELIVERIES_PER_PAGE, ...options } },
  });
  return data!;
}
export type Delivery = Awaited<ReturnType<typeof listDeliveries>>['items'][number];

/** Send a failed delivery again from attempt one (409 for any other). */
export async function redeliver(deliveryId: string) {
  const { data } = await api.POST('/v1/admin/webhooks/deliveries/{id}/redeliver', {
    params: { path: { id: deliveryId } },
  });
  return data!;
}
