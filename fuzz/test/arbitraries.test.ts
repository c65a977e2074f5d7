import fc from 'fast-check';
import { validValue } from '../src/arbitraries.js';

const noRefs = (schema: object) => schema;

describe('valid values', () => {
  it('draws strings of a repeated character class at their minimum length and above', () => {
    // The account's email-verification token: before, drawing one never ended.
    const schema = { type: 'string', pattern: '^[A-Za-z0-9_-]+$', minLength: 20, maxLength: 200 };
    const values = fc.sample(validValue(schema, noRefs), { numRuns: 50, seed: 1 }) as string[];
    expect(values).toHaveLength(50);
    for (const value of values) {
      expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(value.length).toBeGreaterThanOrEqual(20);
      expect(value.length).toBeLessThanOrEqual(200);
    }
  });
});
