/** The logging surface messaging needs; pino and Fastify's logger both fit. */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  debug(obj: object, msg?: string): void;
}
