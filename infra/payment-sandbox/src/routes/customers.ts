import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { attachPaymentMethod } from '../domain/attach-payment-method.js';
import { resolvePaymentMethod } from '../domain/resolve-payment-method.js';
import { expand } from '../expand.js';
import { listPage } from '../list.js';
import { deletedCustomer, newCustomer } from '../objects/customer.js';
import { readParams } from '../params.js';
import { resourceMissing } from '../stripe-errors.js';
import { causeOf } from '../request-context.js';
import { ListParams, RetrieveParams } from '../schemas/common.js';
import { CreateCustomer, UpdateCustomer } from '../schemas/customers.js';
import type { IdParams, RouteOptions } from './route-options.js';

const isDeleted = (customer: object) => (customer as Stripe.DeletedCustomer).deleted === true;

const ListCustomers = ListParams({ email: Type.Optional(Type.String()) });
const ListCustomerMethods = ListParams({ type: Type.Optional(Type.Literal('card')) });

/** `/v1/customers`: create, retrieve, update, delete, list, and a customer's cards. */
export async function customerRoutes(app: FastifyInstance, { sandbox }: RouteOptions) {
  /** A customer not deleted (a deleted one is "No such customer"). */
  const liveCustomer = (id: string) => {
    const customer = sandbox.customer(id);
    if (isDeleted(customer)) throw resourceMissing('customer', id);
    return customer;
  };
  /** A card to be the default must be the customer's. */
  const ownCard = (customer: Stripe.Customer, id: string) => {
    const method = sandbox.paymentMethod(id, 'invoice_settings[default_payment_method]');
    if (method.customer !== customer.id)
      attachPaymentMethod(sandbox, method, customer, { id: null, idempotency_key: null });
    return method.id;
  };

  app.post('/customers', async (request) => {
    const params = readParams(CreateCustomer, request.body);
    const customer = newCustomer({
      email: params.email ?? null,
      name: params.name ?? null,
      description: params.description ?? null,
      phone: params.phone ?? null,
      metadata: params.metadata ?? {},
      defaultPaymentMethod: null,
    });
    sandbox.store.save(customer);
    const cause = causeOf(request);
    const events = [sandbox.event('customer.created', customer, cause)];
    if (params.payment_method) {
      const method = resolvePaymentMethod(sandbox, params.payment_method);
      events.push(...attachPaymentMethod(sandbox, method, customer, cause));
    }
    const preferred = params.invoice_settings?.default_payment_method;
    if (preferred) {
      customer.invoice_settings.default_payment_method = ownCard(customer, preferred);
      sandbox.store.save(customer);
    }
    sandbox.publish(customer.id, events);
    return expand(sandbox, customer, params.expand);
  });

  app.get<IdParams>('/customers/:id', async (request) => {
    const params = readParams(RetrieveParams, request.query);
    const customer = sandbox.customer(request.params.id);
    if (isDeleted(customer)) return deletedCustomer(customer.id);
    return expand(sandbox, customer, params.expand);
  });

  app.post<IdParams>('/customers/:id', async (request) => {
    const params = readParams(UpdateCustomer, request.body);
    const customer = liveCustomer(request.params.id);
    if (params.email !== undefined) customer.email = params.email || null;
    if (params.name !== undefined) customer.name = params.name || null;
    if (params.phone !== undefined) customer.phone = params.phone || null;
    if (params.description !== undefined) customer.description = params.description || null;
    if (params.metadata) {
      for (const [key, value] of Object.entries(params.metadata))
        if (value === '') delete customer.metadata[key];
        else customer.metadata[key] = value;
    }
    const preferred = params.invoice_settings?.default_payment_method;
    if (preferred !== undefined)
      customer.invoice_settings.default_payment_method = preferred
        ? ownCard(customer, preferred)
        : null;
    sandbox.store.save(customer);
    sandbox.publish(customer.id, [sandbox.event('customer.updated', customer, causeOf(request))]);
    return expand(sandbox, customer, params.expand);
  });

  app.delete<IdParams>('/customers/:id', async (request) => {
    const customer = liveCustomer(request.params.id);
    sandbox.store.save({ ...deletedCustomer(customer.id), created: customer.created });
    sandbox.publish(customer.id, [sandbox.event('customer.deleted', customer, causeOf(request))]);
    return deletedCustomer(customer.id);
  });

  app.get('/customers', async (request) => {
    const params = readParams(ListCustomers, request.query);
    const all = sandbox.store
      .all<Stripe.Customer>('customer')
      .filter((c) => !isDeleted(c))
      .filter((c) => !params.email || c.email === params.email);
    return listPage(sandbox, all, params, '/v1/customers');
  });

  app.get<IdParams>('/customers/:id/payment_methods', async (request) => {
    const params = readParams(ListCustomerMethods, request.query);
    const customer = liveCustomer(request.params.id);
    const all = sandbox.store
      .all<Stripe.PaymentMethod>('payment_method')
      .filter((method) => method.customer === customer.id);
    return listPage(sandbox, all, params, `/v1/customers/${customer.id}/payment_methods`);
  });
}
