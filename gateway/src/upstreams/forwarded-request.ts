import type { Dispatcher } from 'undici';
import { bytesOf } from './buffered-body.js';
import type { Replica } from './replica.js';

/** Methods safe to send again after the first replica may have seen them (RFC 9110 §9.2.1). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The replica answered no error of these: the connection was never made, nothing was sent. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Failures that say something about the replica: it never connected (above), or the connection
 * broke or went silent. Anything else (a pool closed under the request, an invalid header, the
 * caller's abort) is passed on without an outcome and never sent elsewhere.
 */
const NETWORK_FAILURE = new Set([
  ...NOT_CONNECTED,
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
]);

export interface ReplicaChooser {
  /** The replica for the next attempt, none of `tried`; undefined when none is admitted. */
  choose(tried: ReadonlySet<Replica>): Replica | undefined;
  /** Is a replica other than `replica` taking requests? */
  othersAdmitted(replica: Replica): boolean;
}

type Handler = Dispatcher.DispatchHandler;

/**
 * One proxied request and its attempts: each attempt goes to one replica, and an attempt that
 * failed before any answer goes to another replica when that is safe — always if it never
 * connected (nothing reached the replica), and for safe methods if it did. Each replica is
 * tried once at most. The caller's handler (undici's request API: the legacy handler
 * interface, which undici 7 still speaks) sees one request.
 */
export class ForwardedRequest {
  private readonly tried = new Set<Replica>();
  private readonly body: Dispatcher.DispatchOptions['body'];
  private readonly replayable: boolean;
  private abortedByCaller = false;

  constructor(
    private readonly chooser: ReplicaChooser,
    private readonly options: Dispatcher.DispatchOptions,
    private readonly caller: Handler,
  ) {
    const bytes = bytesOf(options.body);
    this.body = bytes ?? options.body;
    this.replayable =
      bytes !== undefined ||
      this.body == null ||
      typeof this.body === 'string' ||
      this.body instanceof Uint8Array;
  }

  send(replica: Replica): void {
    this.tried.add(replica);
    replica.sent();
    const headers = this.options.headers ?? {};
    const isPlainObject =
      typeof headers === 'object' && !Array.isArray(headers) && !(Symbol.iterator in headers);
    replica.pool.dispatch(
      {
        ...this.options,
        origin: replica.origin,
        body: this.body,
        // The replica is told the configured host, not the address it was reached at.
        headers: isPlainObject ? { ...headers, host: replica.host } : headers,
      },
      this.attemptHandler(replica),
    );
  }

  fail(error: Error): void {
    this.caller.onError?.(error);
  }

  private attemptHandler(replica: Replica): Handler {
    let connected = false;
    let answered = false;
    return {
      // undici passes a context too (the types omit it); it is handed on untouched.
      onConnect: (...[abort, context]: [(err?: Error) => void, unknown?]) => {
        connected = true;
        const onConnect = this.caller.onConnect as
          ((abort: (err?: Error) => void, context?: unknown) => void) | undefined;
        onConnect?.call(
          this.caller,
          (reason?: Error) => {
            this.abortedByCaller = true;
            abort(reason);
          },
          context,
        );
      },
      onUpgrade: (statusCode, headers, socket) =>
        this.caller.onUpgrade?.(statusCode, headers, socket),
      onResponseStarted: () => this.caller.onResponseStarted?.(),
      onBodySent: (size, total) => this.caller.onBodySent?.(size, total),
      onHeaders: (statusCode, headers, resume, statusText) => {
        if (statusCode >= 200 && !answered) {
          answered = true;
          replica.settled();
          replica.recordAnswer(statusCode);
        }
        return this.caller.onHeaders?.(statusCode, headers, resume, statusText) ?? true;
      },
      onData: (chunk) => this.caller.onData?.(chunk) ?? true,
      onComplete: (trailers) => this.caller.onComplete?.(trailers),
      onError: (error) => {
        if (answered) return this.caller.onError?.(error);
        replica.settled();
        const code = (error as { code?: string }).code ?? '';
        if (this.abortedByCaller || !NETWORK_FAILURE.has(code)) return this.caller.onError?.(error);
        replica.recordNetworkFailure(this.chooser.othersAdmitted(replica));
        const nothingSent = !connected || NOT_CONNECTED.has(code);
        const next =
          this.replayable && (nothingSent || SAFE_METHODS.has(this.options.method))
            ? this.chooser.choose(this.tried)
            : undefined;
        if (next) this.send(next);
        else this.caller.onError?.(error);
      },
    };
  }
}
