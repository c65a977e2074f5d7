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
  const record = options.checkAgainstOpenApi ?? true;
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
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (e.g. an HTML page): keep the text
    }
    // The API's operations only: the gateway's own pages (/docs) are not in the document.
    if (record && !path.startsWith('/docs')) {
      recorded.document ??= OpenApiConformance.fromGateway(baseUrl);
      recorded.exchanges.push({
        method,
        target: path,
        status: res.status,
        contentType: res.headers.get('content-type'),
        body: parsed,
      });
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }
  return {
    call,
    get: <T = any>(path: string, token?: string) => call<T>('GET', path, { token }),
    post: <T = any>(path: string, body: unknown, token?: string) =>
      call<T>('POST', path, { token, body }),
  };
}
