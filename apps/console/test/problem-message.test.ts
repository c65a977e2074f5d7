import { SwitchyardProblem } from '@switchyard/client';
import { readableError } from '../src/api/problem-message.js';

const problem = (status: number, body: Record<string, unknown>) =>
  new SwitchyardProblem(status, body, { requestId: 'req-1' });

describe('problems as words on the screen', () => {
  it("puts each refused field's message next to its field, in plain words", () => {
    const error = problem(400, {
      code: 'VALIDATION_FAILED',
      detail: 'body/stock must be <= 1000000; body/sku must match pattern "^[A-Z0-9]"',
      errors: [
        { path: 'body/stock', message: 'must be <= 1000000' },
        { path: 'body/sku', message: 'must match pattern "^[A-Z0-9][A-Z0-9-]{1,39}$"' },
        { path: 'body/name', message: 'must NOT have fewer than 1 characters' },
      ],
    });
    expect(
      readableError(error, {
        paths: { 'body/stock': 'stock', 'body/sku': 'sku', 'body/name': 'name' },
      }),
    ).toEqual({
      message: 'Some fields need attention.',
      fields: {
        stock: 'Must be at most 1,000,000',
        sku: 'Is not in the expected format',
        name: 'Is required',
      },
      status: 400,
    });
  });

  it('maps a nested path to the field that holds it, and lets a form word it itself', () => {
    const error = problem(400, {
      errors: [{ path: 'body/price/amount', message: 'must be <= 100000000' }],
    });
    const readable = readableError(error, {
      paths: { 'body/price': 'price' },
      messages: { price: (message) => `price: ${message}` },
    });
    expect(readable.fields).toEqual({ price: 'price: must be <= 100000000' });
  });

  it('names a refused field the form does not show in the sentence', () => {
    const error = problem(400, {
      errors: [{ path: 'body/colour', message: 'must NOT have additional properties' }],
    });
    expect(readableError(error).message).toBe(
      'Some values were refused: colour is not accepted here.',
    );
  });

  it('shows the detail of a refusal, and a sentence for answers without one worth showing', () => {
    expect(
      readableError(problem(409, { detail: 'a product with SKU MUG-001 exists' })).message,
    ).toBe('A product with SKU MUG-001 exists');
    expect(readableError(problem(403, { detail: 'admin role required' })).message).toBe(
      'Your account is not allowed to do this.',
    );
    expect(readableError(new SwitchyardProblem(429, {}, { retryAfterSeconds: 12 })).message).toBe(
      'Too many requests. Try again in 12 seconds.',
    );
    // A 5xx never shows what the server said: what to do, and the reference to quote.
    const failed = readableError(problem(500, { detail: 'connection to db-3 refused' }));
    expect(failed.message).toBe(
      'The service could not complete this right now. Try again; if it keeps failing, tell the platform team (reference req-1).',
    );
  });

  it('says the server could not be reached when no answer came, and never shows a stack', () => {
    expect(readableError(new TypeError('fetch failed')).message).toBe(
      'The server could not be reached. Check the connection and try again.',
    );
    const bug = readableError(new Error('Cannot read properties of undefined (reading "x")'));
    expect(bug.message).toBe('Something went wrong in the console. Reload the page and try again.');
  });
});
