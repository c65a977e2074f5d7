/**
 * One upstream URL, or several separated by commas (one per replica): `http://a:4002` or
 * `http://127.0.0.1:4002,http://127.0.0.1:4012`. The config schema checks the shape; this
 * splits it. Only the origin of each is used (the gateway forwards the public path unchanged).
 */
export const UPSTREAM_URLS_PATTERN = '^\\s*https?://[^,\\s]+(\\s*,\\s*https?://[^,\\s]+)*\\s*$';

export function parseUpstreamUrls(value: string): string[] {
  const origins = value
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean)
    .map((url) => new URL(url).origin);
  return [...new Set(origins)];
}
