import type { Customer } from '../actors.js';
import { request } from '../http.js';
import { checkResult, type CheckResult } from './check.js';

/**
 * A user disabled before the faults stays locked out after them: their still-unexpired access
 * token is refused through the gateway, and by the order service itself. The denylist lives in
 * Redis, which the run restarts empty; the auth service must write it again.
 */
export async function checkLockout(
  gatewayUrl: string,
  orderServiceUrl: string,
  disabled: Customer,
): Promise<CheckResult> {
  const problems: string[] = [];
  const claims = JSON.parse(Buffer.from(disabled.token.split('.')[1]!, 'base64url').toString());
  if (claims.exp * 1000 <= Date.now())
    problems.push('the token expired before the check: a 401 would prove nothing');
  const viaGateway = await request(gatewayUrl, 'GET', '/v1/orders', { token: disabled.token });
  const direct = await request(orderServiceUrl, 'GET', '/v1/orders', { token: disabled.token });
  if (viaGateway.status !== 401)
    problems.push(`the gateway answered ${viaGateway.status}, not 401`);
  if (direct.status !== 401) problems.push(`the order service answered ${direct.status}, not 401`);
  return checkResult(
    'security: a disabled user stays locked out after Redis restarts empty',
    {
      gatewayStatus: typeof viaGateway.status === 'number' ? viaGateway.status : 0,
      orderServiceStatus: typeof direct.status === 'number' ? direct.status : 0,
    },
    problems,
  );
}
