import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { attachPaymentMethod } from '../domain/attach-payment-method.js';
import { resolvePaymentMethod } from '../domain/resolve-payment-method.js';
import { expand } from '../expand.js';
import { listPage } from '../list.js';
import { readParams } from '../params.js';
import { causeOf } from '../request-context.js';
import { ListParams, RetrieveParams } from '../schemas/common.js';
import { AttachPaymentMethod, DetachPaymentMethod } from '../schemas/customers.js';
import { invalidRequest, resourceMissing } from '../stripe-errors.js';
import type { IdParams, RouteOptions } from './route-options.js';

const ListPaymentMethods = ListParams({
  customer: Type.Optional(Type.String()),
  type: Type.Optional(Type.Literal('card')),
});

/** `/v1/payment_methods`: retrieve, attach (a test card id makes a new card), detach, list. */
export async function paymentMethodRoutes(app: FastifyInstance, { sandbox }: RouteOptions) {
  app.get<IdParams>('/payment_methods/:id', async (request) => {
    const params = readParams(RetrieveParams, request.query);
    return expand(sandbox, sandbox.paymentMethod(request.params.id), params.expand);
  });

  app.post<IdParams>('/payment_methods/:id/attach', async (request) => {
    const params = readParams(AttachPaymentMethod, request.body);
    const customer = sandbox.customer(params.customer, 'customer');
    if ((customer as unknown as Stripe.DeletedCustomer).deleted)
      throw resourceMissing('customer', customer.id, 'customer');
    const method = resolvePaymentMethod(sandbox, request.params.id, 'id');
    const events = attachPaymentMethod(sandbox, method, customer, causeOf(request));
    sandbox.publish(customer.id, events);
    return expand(sandbox, method, params.expand);
  });

  app.post<IdParams>('/payment_methods/:id/detach', async (request) => {
    const params = readParams(DetachPaymentMethod, request.body);
    const method = sandbox.paymentMethod(request.params.id);
    const customerId = method.customer;
    if (typeof customerId !== 'string')
      throw invalidRequest(`The payment method ${method.id} is not attached to a customer.`, {
        code: 'payment_method_unexpected_state',
      });
    method.customer = null;
    sandbox.store.save(method);
    const customer = sandbox.customer(customerId);
    if (customer.invoice_settings?.default_payment_method === method.id) {
      customer.invoice_settings.default_payment_method = null;
      sandbox.store.save(customer);
    }
    sandbox.publish(customerId, [
      sandbox.event('payment_method.detached', method, causeOf(request)),
    ]);
    return expand(sandbox, method, params.expand);
  });

  app.get('/payment_methods', async (request) => {
    const params = readParams(ListPaymentMethods, request.query);
    const all = sandbox.store
      .all<Stripe.PaymentMethod>('payment_method')
      .filter(
        (method) =>
          method.customer !== null && (!params.customer || method.customer === params.customer),
      );
    return listPage(sandbox, all, params, '/v1/payment_methods');
  });
}
