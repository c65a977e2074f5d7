import type { Static, TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * A rule between variables that a schema cannot state (one must leave room for another):
 * the problem as one line naming the variable, or undefined when the config keeps it.
 */
export type ConfigRule<C> = (config: C) => string | undefined;

/**
 * Read and validate configuration from environment variables, once, at start. Values are
 * converted (e.g. "4000" → 4000) and defaults applied; the first problem is reported with
 * the variable's name. `rules` run on the valid result, in order.
 */
export function loadConfig<T extends TObject>(
  schema: T,
  env: Record<string, string | undefined> = process.env,
  rules: ConfigRule<Static<T>>[] = [],
): Static<T> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const candidate = Value.Default(schema, Value.Convert(schema, picked));
  const firstError = Value.Errors(schema, candidate).First();
  if (firstError) {
    const variable = firstError.path.replace(/^\//, '').split('/')[0] || '(config)';
    const shown = picked[variable] === undefined ? 'missing' : 'invalid';
    throw new ConfigError(
      `${shown} environment variable ${variable}: ${explain(schema, variable, firstError.message)}`,
    );
  }
  for (const rule of rules) {
    const problem = rule(candidate as Static<T>);
    if (problem) throw new ConfigError(problem);
  }
  return candidate as Static<T>;
}

/** Name the allowed values of an enumeration instead of TypeBox's generic message. */
function explain(schema: TObject, variable: string, message: string): string {
  const property = schema.properties[variable] as { anyOf?: { const?: unknown }[] } | undefined;
  const allowed = property?.anyOf?.map((option) => option.const).filter((v) => v !== undefined);
  return allowed?.length ? `must be one of ${allowed.join(', ')}` : message;
}

/** For a process entry point: on a bad config print one clear line and exit 1. */
export function loadConfigOrExit<T extends TObject>(
  schema: T,
  rules: ConfigRule<Static<T>>[] = [],
): Static<T> {
  try {
    return loadConfig(schema, process.env, rules);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`config error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
