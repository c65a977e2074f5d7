// The practical ceiling of `GET /v1/orders/:id` on this machine: a bare Fastify route that
// issues the order service's own SQL (ORDER_VIEW_SQL) through node-postgres and returns the
// row — no authentication, no ORM, no hooks, no telemetry. Run as its own process, like the
// service, so both get the same share of the machine.
import Fastify from 'fastify';
import pg from 'pg';
import { ORDER_VIEW_SQL } from '@switchyard/order/order-view-sql';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
const app = Fastify({ logger: false });
app.get<{ Params: { id: string } }>('/v1/orders/:id', async (request, reply) => {
  const { rows } = await pool.query(ORDER_VIEW_SQL, [request.params.id, null]);
  if (!rows[0]) return reply.code(404).send({ status: 404 });
  return rows[0];
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.send?.('ready');
process.on('SIGTERM', () => {
  void app.close().then(() => pool.end());
});
