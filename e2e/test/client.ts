import { OpenApiConformance, type Exchange } from '@switchyard/testing';

/**
 * Every answer the suite got through the gateway, and the gateway's published OpenAPI document
 * to check them against (fetched with the first answer, while the platform is up). The check
 * runs after each test file (openapi-conformance.setup.ts).
 */
export const recorded: { exchanges: Exchange[]; document: Promise<OpenApiConformance> | null } = {
  exchanges: [],
  document: null,
};

/** Keep an answer of the gateway's API for the OpenAPI check. */
function record(baseUrl: string, exchange: Exchange): void {
  // The API's operations only: the gateway's own pages (/docs) are not in the document.
  if (exchange.target.startsWith('/docs')) return;
  recorded.document ??= OpenApiConformance.fromGateway(baseUrl);
  recorded.exchanges.push(exchange);
}

const parsedBody = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text; // not JSON (e.g. an HTML page): keep the text
  }
};

/**
 * A fetch for the typed client (@switchyard/client) that records its answers too, so they are
 * checked against the published document like every other answer of the suite.
 */
export function recordingFetch(baseUrl: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const response = await fetch(request);
    const url = new URL(request.url);
    record(baseUrl, {
      method: request.method,
      target: url.pathname + url.search,
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: parsedBody(await response.clone().text()),
    });
    return response;
  };
}

/** A minimal HTTP client for the gateway's public API, as a client developer would use it. */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** A body sent as is, for malformed-input tests. */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export function apiClient(
  baseUrl: string,
  /** Record answers for the OpenAPI check (off for a client talking straight to a service). */
  options: { checkAgainstOpenApi?: boolean } = {},
) {
  const recording = options.checkAgainstOpenApi ?? true;
  async function call<T = any>(
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(baseUrl + path, { method, headers, body });
    const parsed = parsedBody(await res.text());
    if (recording)
      record(baseUrl, {
        method,
        target: path,
        status: res.status,
        contentType: res.headers.get('content-type'),
        body: parsed,
      });
    return { status: res.status, headers: res.headers, body: parsed as T };
  }
  return {
    call,
    get: <T = any>(path: string, token?: string) => call<T>('GET', path, { token }),
    post: <T = any>(path: string, body: unknown, token?: string) =>
      call<T>('POST', path, { token, body }),
  };
}
