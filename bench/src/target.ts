// What the saga benchmark needs of a running stack, whoever started it: the gateway to place
// orders through, customers to place them as, the two databases that say when an order's work
// is over, and the processes whose CPU it costs. The benchmark's own stand is one; the stack
// `infra/scripts/up.sh` started is another (readme-stack.ts).

export interface Customer {
  token: string;
  userId: string;
}

/** A process of the stack, measured from /proc; `url` serves /metrics where it has one. */
export interface MeasuredProcess {
  name: string;
  pid: number;
  url?: string;
}

export interface SagaTarget {
  gatewayUrl: string;
  /** Signed-in customers, each with their own token (signed in again before they expire). */
  customers(): Promise<Customer[]>;
  orderDatabaseUrl: string;
  notificationDatabaseUrl: string;
  /** The stack's own processes now (Node services, the sandbox and the SMTP capture). */
  processes(): MeasuredProcess[];
}

const PASSWORD = 'a long bench passphrase';

async function call(base: string, path: string, body: unknown) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/**
 * `count` customers registered straight at the auth service (setup is not what is measured, and
 * the gateway's sign-in rate limit is for people), signed in again once their tokens are older
 * than `refreshAfterMs` (the stack's access tokens live 15 minutes; a full run is longer).
 */
export function customerPool(authUrl: string, count: number, refreshAfterMs = 10 * 60_000) {
  const emails = Array.from(
    { length: count },
    (_, n) => `bench-${Date.now()}-${process.pid}-${n}@example.com`,
  );
  let signedIn: { at: number; customers: Customer[] } | null = null;
  const signIn = async (email: string): Promise<Customer> => {
    const login = await call(authUrl, '/v1/auth/login', { email, password: PASSWORD });
    if (login.status !== 200) throw new Error(`sign-in failed: ${login.status}`);
    const token = login.body.accessToken as string;
    const userId = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub;
    return { token, userId };
  };
  return async (): Promise<Customer[]> => {
    if (signedIn && Date.now() - signedIn.at < refreshAfterMs) return signedIn.customers;
    if (!signedIn)
      for (const email of emails) {
        const answer = await call(authUrl, '/v1/auth/register', {
          email,
          password: PASSWORD,
          name: 'Bench',
        });
        if (answer.status !== 201) throw new Error(`sign-up failed: ${answer.status}`);
      }
    const at = Date.now();
    const customers: Customer[] = [];
    for (const email of emails) customers.push(await signIn(email));
    signedIn = { at, customers };
    return customers;
  };
}
