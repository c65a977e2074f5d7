// 2. The read path against its ceiling: the order service's `GET /v1/orders/:id` (token
// checked, denylist checked, one query, serialised by schema) against a bare Fastify + pg
// process issuing the same SQL, each hit directly, in the same run. One client with one token,
// as an app holds one: after the first request its signature check is a hit in the
// verified-token cache, which is what the row is named for.
import type { Benchmark } from '../benchmark.js';
import { startCeiling } from '../ceiling/start-ceiling.js';
import { load, loadRow, throughputRatio, type LoadResult } from '../load.js';
import { fixed, table } from '../results.js';
import { ONE_MUG } from '../stand.js';

export const readPath: Benchmark = {
  id: 'read-path',
  async run(ctx) {
    const { stand } = ctx;
    const order = await stand.post('/v1/orders', JSON.parse(ONE_MUG), stand.token);
    const path = `/v1/orders/${String(order.body.id)}`;
    const connections = 10;
    const ceiling = await startCeiling('order-read-server', {
      DATABASE_URL: stand.orderDatabaseUrl,
    });
    let bare: LoadResult;
    try {
      bare = await ctx.phase('read-path: ceiling', () =>
        load({ url: ceiling.url + path, connections, seconds: ctx.seconds, warmUpSeconds: 2 }),
      );
    } finally {
      await ceiling.stop();
    }
    const service = await ctx.phase('read-path: order service', () =>
      load({
        url: stand.platform.serviceUrl('order') + path,
        headers: { authorization: `Bearer ${stand.token}` },
        connections,
        seconds: ctx.seconds,
        warmUpSeconds: 2,
      }),
    );
    const ratio = throughputRatio({ 'order service': service }, { ceiling: bare });
    return [
      {
        id: 'read-path',
        title: 'Read path against its ceiling',
        command: 'pnpm bench --only read-path',
        figures:
          `autocannon, ${connections} connections, ${ctx.seconds} s each after a 2 s warm-up, \`GET /v1/orders/:id\` of one order. ` +
          'Ceiling: a bare Fastify route issuing the same SQL (`ORDER_VIEW_SQL`) through node-postgres, no authentication (`bench/src/ceiling/order-read-server.ts`).\n\n' +
          table(
            ['handler', 'requests/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
            [
              loadRow('ceiling: Fastify + pg, same SQL', bare),
              loadRow(
                'order service (token from the verified-token cache, denylist, schema)',
                service,
              ),
            ],
          ),
        verdicts: [
          {
            what: 'order service / ceiling',
            figure: fixed(ratio, 2),
            target: '≥ 0.6',
            met: ratio >= 0.6,
          },
        ],
        data: { ceiling: bare, service },
      },
    ];
  },
};
