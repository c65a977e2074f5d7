/** One answer from the gateway, or how the request failed (a timeout, a refused connection). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of many shapes
export interface Answer<T = any> {
  status: number | 'timeout' | 'error';
  body: T;
  ms: number;
}

/** A request as an integrator's client makes it, with a deadline; never throws. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of many shapes
export async function request<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    form?: string;
    headers?: Record<string, string>;
    timeoutMs?: number;
  } = {},
): Promise<Answer<T>> {
  const started = Date.now();
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.form !== undefined) {
    body = options.form;
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  try {
    const res = await fetch(baseUrl + path, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, ms: Date.now() - started };
  } catch (error) {
    const name = (error as Error).name;
    return {
      status: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'error',
      body: undefined as T,
      ms: Date.now() - started,
    };
  }
}

/** 5xx, a timeout or a failed connection: what a client counts as the platform failing it. */
export const isFailure = (status: Answer['status']) => typeof status !== 'number' || status >= 500;
