import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadStripeShapes } from '@switchyard/testing/stripe-shapes';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The checker the contract test relies on must itself be able to fail.
describe('checking JSON against the Stripe SDK types', () => {
  const types = loadStripeShapes({ resolveFrom: packageDir });
  const address = {
    city: 'Lyon',
    country: 'FR',
    line1: '1 rue de la République',
    line2: null,
    postal_code: '69001',
    state: null,
  };

  it('accepts a value that fits, nulls where the type allows them', () => {
    expect(types.check('Address', address)).toEqual([]);
    expect(types.check('Metadata', { order_id: 'o-1' })).toEqual([]);
  });

  it('names a missing field, a value of the wrong kind and a field the type does not declare', () => {
    const { city: _city, ...noCity } = address;
    expect(types.check('Address', noCity)).toEqual(['Address.city: missing']);
    expect(types.check('Address', { ...address, line1: 42 })).toEqual([
      'Address.line1: 42 is not string | null',
    ]);
    expect(types.check('Address', { ...address, floor: '2' })).toEqual([
      "Address.floor: a field the SDK's type does not declare",
    ]);
    expect(types.check('Metadata', { order_id: 7 })).toEqual(['Metadata.order_id: not a string']);
  });

  it('knows an enum with "any other string" from a closed literal', () => {
    const problems = types.check('PaymentIntent', { object: 'charge' });
    expect(problems).toContain('PaymentIntent.object: not "payment_intent"');
    expect(problems).toContain('PaymentIntent.status: missing');
  });
});
