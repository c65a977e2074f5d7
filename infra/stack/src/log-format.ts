// How the local stack shows its processes' log lines. Services always write pino JSON (what a
// container runtime or a log shipper wants); when a person watches up.sh at a terminal, the
// supervisor turns each JSON line into a readable one here, once, instead of in every service.
import pinoPretty from 'pino-pretty';

export type LogFormat = 'pretty' | 'json';

/**
 * `LOG_FORMAT=json|pretty` decides; unset, a terminal gets pretty lines and a pipe or a file
 * (CI, `up.sh | tee`) keeps the JSON. Any other value stops the stack naming the variable.
 */
export function chooseLogFormat(env: { LOG_FORMAT?: string }, stdoutIsTTY: boolean): LogFormat {
  const wanted = env.LOG_FORMAT?.trim();
  if (!wanted) return stdoutIsTTY ? 'pretty' : 'json';
  if (wanted === 'json' || wanted === 'pretty') return wanted;
  throw new Error(`LOG_FORMAT must be "json" or "pretty" (got "${wanted}")`);
}

/**
 * Turns one output line of a process into what the stack prints (without the line feed).
 * Pretty: time, level and message, then the line's other fields, and an error's stack on the
 * lines below; the process name is already the prefix, so the `service` field is left out.
 * A line that is not a pino JSON object (maildev, a crash trace) passes through unchanged.
 */
export function lineFormatter(
  format: LogFormat,
  options: { colorize: boolean },
): (line: string) => string {
  if (format === 'json') return (line) => line;
  const pretty = pinoPretty.prettyFactory({
    colorize: options.colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    singleLine: true,
  });
  return (line) => {
    if (!line.startsWith('{')) return line;
    // pino-pretty ends with a line feed and leaves a space after a message it continues below.
    return (pretty(line) ?? '').replace(/[ \t]+$/gm, '').replace(/\r?\n$/, '');
  };
}
