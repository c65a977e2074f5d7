// The published OpenAPI document, as a code generator sees it: linted with Spectral's OpenAPI
// ruleset plus our rules — every operation has a camelCase operationId, a summary, its
// security, documented problem+json errors, and an example for any request body.
import spectralCore, { type IRuleResult } from '@stoplight/spectral-core';
import { pattern, truthy } from '@stoplight/spectral-functions';
import * as Parsers from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { sharedPlatform, type SharedPlatform } from '@switchyard/testing';

const { Document, Spectral, createRulesetFunction } = spectralCore;
const OPERATIONS = '$.paths[*][get,put,post,patch,delete]';

const hasProblemErrors = createRulesetFunction<Record<string, unknown>, null>(
  { input: { type: 'object' }, options: null },
  (responses) => {
    const errors = Object.entries(responses).filter(([status]) => /^4\d\d$/.test(status));
    const problems = errors.filter(([, response]) =>
      Boolean(
        (response as { content?: Record<string, unknown> }).content?.['application/problem+json'],
      ),
    );
    return problems.length > 0
      ? []
      : [{ message: 'documents no 4xx answer as application/problem+json' }];
  },
);

const sharedProblemSchema = createRulesetFunction<Record<string, unknown>, null>(
  { input: { type: 'object' }, options: null },
  (media) =>
    (media.schema as { $ref?: string } | undefined)?.$ref === '#/components/schemas/ProblemDetails'
      ? []
      : [{ message: 'problem+json answers use the shared ProblemDetails schema' }],
);

const hasExample = createRulesetFunction<Record<string, unknown>, null>(
  { input: { type: 'object' }, options: null },
  (media) => {
    const schema = (media.schema ?? {}) as { examples?: unknown[]; example?: unknown };
    return media.example !== undefined || media.examples !== undefined || schema.examples?.length
      ? []
      : [{ message: 'request body has no example' }];
  },
);

describe('the published OpenAPI document', () => {
  let platform: SharedPlatform;

  beforeAll(() => {
    platform = sharedPlatform();
  });

  it('passes Spectral’s OpenAPI ruleset and ours', async () => {
    const document = (await (await fetch(`${platform.gatewayUrl}/docs/json`)).json()) as {
      servers?: unknown[];
    };
    const spectral = new Spectral();
    spectral.setRuleset({
      extends: [[oas as never, 'recommended']],
      rules: {
        'switchyard-operation-id': {
          description: 'Every operation has a camelCase operationId',
          given: OPERATIONS,
          severity: 'error',
          then: [
            { field: 'operationId', function: truthy },
            {
              field: 'operationId',
              function: pattern,
              functionOptions: { match: '^[a-z][a-zA-Z0-9]*$' },
            },
          ],
        },
        'switchyard-summary': {
          description: 'Every operation has a summary',
          given: OPERATIONS,
          severity: 'error',
          then: { field: 'summary', function: truthy },
        },
        'switchyard-security': {
          description: 'Every operation declares its security (`[]` when public)',
          given: OPERATIONS,
          severity: 'error',
          then: { field: 'security', function: truthy },
        },
        'switchyard-problem-errors': {
          description: 'Every operation documents its errors as problem+json',
          given: `${OPERATIONS}.responses`,
          severity: 'error',
          then: { function: hasProblemErrors },
        },
        'switchyard-shared-problem': {
          description: 'Every problem+json answer references the one ProblemDetails schema',
          given: `${OPERATIONS}.responses[*].content['application/problem+json']`,
          severity: 'error',
          // Look at the $ref itself, not at what it resolves to.
          resolved: false,
          then: { function: sharedProblemSchema },
        },
        'switchyard-request-example': {
          description: 'Every request body has an example',
          given: `${OPERATIONS}.requestBody.content[*]`,
          severity: 'error',
          then: { function: hasExample },
        },
      },
    });
    const results: IRuleResult[] = await spectral.run(
      new Document(JSON.stringify(document), Parsers.Json),
    );
    const errors = results
      .filter((r) => r.severity === 0)
      .map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`);
    expect(errors).toEqual([]);
    expect(document.servers).toEqual([expect.objectContaining({ url: expect.any(String) })]);
  });
});
