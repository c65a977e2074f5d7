/**
 * Mail to the server goes over a small pool of kept connections: opening one (TCP, greeting,
 * EHLO, maybe TLS and AUTH) per email was a second round of work for each message. The pool
 * holds one connection per email the dispatcher sends at once (EMAIL_SEND_CONCURRENCY); each
 * is replaced after SMTP_POOL_MAX_MESSAGES messages, and closed with the transport at shutdown.
 */
export const SMTP_POOL_MAX_MESSAGES = 100;

/**
 * The SMTP URL with nodemailer's connection, greeting and socket timeouts set (they default
 * to minutes) and its connection pool on (bounded as above). They go in the URL's query
 * because nodemailer reads transport options from there when given a URL; an options object
 * with `url` is not connected at all (7.0). Options already in the URL are kept.
 */
export function smtpTransportUrl(
  smtpUrl: string,
  timeoutMs: number,
  maxConnections: number,
): string {
  const url = new URL(smtpUrl);
  const options: Record<string, string> = {
    connectionTimeout: String(timeoutMs),
    greetingTimeout: String(timeoutMs),
    socketTimeout: String(timeoutMs),
    pool: 'true',
    maxConnections: String(maxConnections),
    maxMessages: String(SMTP_POOL_MAX_MESSAGES),
  };
  for (const [option, value] of Object.entries(options)) {
    if (!url.searchParams.has(option)) url.searchParams.set(option, value);
  }
  return url.toString();
}
