import { ACCOUNT_EXPORT_PATH, AccountExport } from '../plugins/account-export.js';

const PROBLEM_REF = { $ref: '#/components/schemas/ProblemDetails' };
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: PROBLEM_REF } },
});

/** The gateway's own API operations (it answers them itself), for the merged document. */
export function gatewayOperations(): Record<string, Record<string, unknown>> {
  return {
    [ACCOUNT_EXPORT_PATH]: {
      get: {
        operationId: 'exportAccount',
        summary: 'Everything the platform holds about you, as JSON',
        description:
          'Your data from every service in one document (each service’s part under its name). ' +
          'All or nothing: when a service cannot answer, a 503 says to retry.',
        tags: ['account'],
        security: [{ bearerAuth: [] }],
        responses: {
          200: {
            description: 'Your data',
            content: { 'application/json': { schema: JSON.parse(JSON.stringify(AccountExport)) } },
          },
          401: problem('A valid access token is required'),
          403: problem('A machine client has no personal data to export'),
        },
      },
    },
  };
}
