import { VerifiedTokens } from '../src/verified-tokens.js';

describe('verified-token cache', () => {
  const identity = { userId: 'u-1', roles: ['customer'], scopes: [] };
  const inOneHour = () => Math.floor(Date.now() / 1000) + 3600;

  it('answers a token verified before with its identity, and nothing for another token', () => {
    const cache = new VerifiedTokens();
    cache.set('header.payload.signature', identity, inOneHour());
    expect(cache.get('header.payload.signature')).toEqual(identity);
    // One character different is another token: verified from scratch (and refused if forged).
    expect(cache.get('header.payload.signaturf')).toBeUndefined();
  });

  it('forgets a token at its exp, even before the cache would', () => {
    const cache = new VerifiedTokens();
    const exp = inOneHour();
    cache.set('t', identity, exp);
    expect(cache.get('t', exp * 1000 - 1)).toEqual(identity);
    expect(cache.get('t', exp * 1000)).toBeUndefined();
  });

  it('never keeps an entry longer than its maximum age (a key removed from the JWKS stops counting)', async () => {
    const cache = new VerifiedTokens({ maxAgeMs: 20 });
    cache.set('t', identity, inOneHour());
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cache.get('t')).toBeUndefined();
  });

  it('does not remember a token that has already expired', () => {
    const cache = new VerifiedTokens();
    cache.set('t', identity, Math.floor(Date.now() / 1000) - 1);
    expect(cache.get('t')).toBeUndefined();
  });
});
