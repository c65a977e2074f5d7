import { userInfo } from 'node:os';

/**
 * A command's arguments: positional ones, `--by <operator>` (who runs it, for the audit trail;
 * the login name by default) and the value of each named option.
 */
export function operatorArgs(
  argv: string[],
  named: string[] = [],
): { positional: string[]; actor: string; options: Record<string, string | undefined> } {
  const positional: string[] = [];
  const options: Record<string, string | undefined> = {};
  let by: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--by') by = argv[++i];
    else if (named.includes(arg)) options[arg] = argv[++i] ?? '';
    else positional.push(arg);
  }
  return { positional, actor: `cli:${by ?? loginName()}`, options };
}

function loginName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
