import {
  assertSafeWebhookUrl,
  isAllowedAddress,
  targetPolicy,
  UnsafeWebhookUrl,
} from '../../src/webhooks/ssrf-guard.js';

const none = targetPolicy('');

describe('SSRF guard for webhook URLs', () => {
  it.each([
    'http://127.0.0.1/hook',
    'http://localhost:8080/hook',
    'http://10.0.0.8/hook',
    'http://172.16.3.4/hook',
    'http://192.168.1.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/hook',
    'http://0.0.0.0/hook',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::ffff:7f00:1]/hook',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://[fe80::1]/hook',
    'http://2130706433/hook', // 127.0.0.1 in decimal
    'http://0177.0.0.1/hook', // octal
    'http://0x7f.0.0.1/hook', // hex
    'http://127.1/hook', // short form
    'http://017700000001/hook', // octal as one number
    'http://[::127.0.0.1]/hook', // IPv4-compatible IPv6 (::/96)
    'http://[::7f00:1]/hook',
    'http://[::a9fe:a9fe]/latest/meta-data/', // ::169.254.169.254
    'http://[::ffff:0:7f00:1]/hook', // SIIT (::ffff:0:0:0/96)
    'http://[64:ff9b::7f00:1]/hook', // NAT64 of 127.0.0.1
    'http://[64:ff9b:1::a00:1]/hook', // local-use NAT64 of 10.0.0.1
    'http://[2002:7f00:1::]/hook', // 6to4 of 127.0.0.1
    'http://[2002:a9fe:a9fe::1]/hook', // 6to4 of 169.254.169.254
    'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook', // Teredo, client 127.0.0.1
    'http://[::]/hook',
  ])('refuses %s', async (url) => {
    await expect(assertSafeWebhookUrl(url, none)).rejects.toThrow(/non-public address/);
  });

  it.each([
    'ftp://example.com/x',
    'file:///etc/passwd',
    'gopher://x',
    'not a url',
    'http://user:pw@93.184.215.14/',
  ])('refuses %s (scheme, credentials or syntax)', async (url) => {
    await expect(assertSafeWebhookUrl(url, none)).rejects.toThrow(UnsafeWebhookUrl);
  });

  it('accepts public addresses', async () => {
    await expect(assertSafeWebhookUrl('https://93.184.215.14/hook', none)).resolves.toBeInstanceOf(
      URL,
    );
    await expect(
      assertSafeWebhookUrl('https://[2606:4700::1111]/hook', none),
    ).resolves.toBeInstanceOf(URL);
  });

  it('refuses a name that does not resolve', async () => {
    await expect(assertSafeWebhookUrl('https://no-such-host.invalid/hook', none)).rejects.toThrow(
      /does not resolve/,
    );
  });

  it('lets an explicit allowlist through, and nothing beside it', async () => {
    const policy = targetPolicy('127.0.0.1, 10.1.0.0/16');
    expect(isAllowedAddress('127.0.0.1', policy)).toBe(true);
    expect(isAllowedAddress('::ffff:127.0.0.1', policy)).toBe(true);
    expect(isAllowedAddress('10.1.200.3', policy)).toBe(true);
    expect(isAllowedAddress('127.0.0.2', policy)).toBe(false);
    expect(isAllowedAddress('10.2.0.1', policy)).toBe(false);
    expect(isAllowedAddress('169.254.169.254', policy)).toBe(false);
    await expect(assertSafeWebhookUrl('http://127.0.0.1:9/hook', policy)).resolves.toBeInstanceOf(
      URL,
    );
  });
});
