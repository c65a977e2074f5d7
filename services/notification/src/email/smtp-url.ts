/**
 * The SMTP URL with nodemailer's connection, greeting and socket timeouts set (they default
 * to minutes). They go in the URL's query because nodemailer reads transport options from
 * there when given a URL; an options object with `url` is not connected at all (7.0).
 * Timeouts already in the URL are kept.
 */
export function smtpUrlWithTimeouts(smtpUrl: string, timeoutMs: number): string {
  const url = new URL(smtpUrl);
  for (const option of ['connectionTimeout', 'greetingTimeout', 'socketTimeout']) {
    if (!url.searchParams.has(option)) url.searchParams.set(option, String(timeoutMs));
  }
  return url.toString();
}
