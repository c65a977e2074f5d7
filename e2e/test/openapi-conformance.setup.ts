// After each end-to-end test file: every answer it received through the gateway must be one
// the published OpenAPI document describes — a documented status, a body matching its schema.
import { recorded } from './client.js';

afterAll(async () => {
  if (!recorded.document || recorded.exchanges.length === 0) return;
  const conformance = await recorded.document;
  const problems = recorded.exchanges
    .map((exchange) => conformance.check(exchange))
    .filter((problem): problem is string => problem !== null);
  recorded.exchanges.length = 0;
  expect(problems).toEqual([]);
});
