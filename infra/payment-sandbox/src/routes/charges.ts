import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { expand } from '../expand.js';
import { listPage } from '../list.js';
import type { SandboxCharge } from '../objects/charge.js';
import { readParams } from '../params.js';
import { ListParams, RetrieveParams } from '../schemas/common.js';
import type { IdParams, RouteOptions } from './route-options.js';

const ListCharges = ListParams({
  payment_intent: Type.Optional(Type.String()),
  customer: Type.Optional(Type.String()),
});

/** `/v1/charges`, read-only: charges are made by PaymentIntents. */
export async function chargeRoutes(app: FastifyInstance, { sandbox }: RouteOptions) {
  app.get<IdParams>('/charges/:id', async (request) => {
    const params = readParams(RetrieveParams, request.query);
    return expand(sandbox, sandbox.charge(request.params.id), params.expand);
  });

  app.get('/charges', async (request) => {
    const params = readParams(ListCharges, request.query);
    const all = sandbox.store
      .all<SandboxCharge>('charge')
      .filter(
        (charge) =>
          (!params.payment_intent || charge.payment_intent === params.payment_intent) &&
          (!params.customer || charge.customer === params.customer),
      );
    return listPage(sandbox, all, params, '/v1/charges');
  });
}
