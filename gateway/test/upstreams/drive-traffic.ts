export interface Outcome {
  method: 'GET' | 'POST';
  startedAt: number;
  endedAt: number;
  status: number;
  /** The replica that answered, when one did. */
  replica?: string;
}

/**
 * `concurrency` clients, each sending one request after the other (GET and POST in turn)
 * until `stop()` is called; resolves to every request's outcome once all have ended.
 */
export function driveTraffic(options: {
  baseUrl: string;
  authorization: string;
  concurrency: number;
}): { outcomes: Outcome[]; stop: () => Promise<Outcome[]> } {
  const outcomes: Outcome[] = [];
  let running = true;
  const client = async (index: number) => {
    for (let n = index; running; n++) {
      const method = n % 2 === 0 ? 'GET' : 'POST';
      const startedAt = Date.now();
      const response = await fetch(
        options.baseUrl + (method === 'GET' ? '/v1/products' : '/v1/orders'),
        method === 'GET'
          ? {}
          : {
              method,
              headers: { authorization: options.authorization, 'content-type': 'application/json' },
              body: JSON.stringify({ items: [{ productId: 'p', quantity: n }] }),
            },
      );
      const text = await response.text();
      const replica = response.ok ? (JSON.parse(text) as { replica: string }).replica : undefined;
      outcomes.push({ method, startedAt, endedAt: Date.now(), status: response.status, replica });
    }
  };
  const clients = Array.from({ length: options.concurrency }, (_, i) => client(i));
  return {
    outcomes,
    stop: async () => {
      running = false;
      await Promise.all(clients);
      return outcomes;
    },
  };
}
