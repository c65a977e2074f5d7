// concurrently hands over each process's output in chunks as the pipe delivers them, which may
// cut a JSON line in two; this controller reassembles whole lines before formatting them.
import { StringDecoder } from 'node:string_decoder';
import type { Command, FlowController, Logger } from 'concurrently';

/** Splits a stream of chunks into whole lines, keeping an unfinished one for the next chunk. */
export function lineSplitter(onLine: (line: string) => void) {
  let pending = '';
  return {
    push(chunk: string) {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) onLine(line);
    },
    /** The process ended: its last line may lack a line feed. */
    flush() {
      if (pending) onLine(pending);
      pending = '';
    },
  };
}

/** concurrently's LogOutput, line by line through `format`. */
export class FormattedLogOutput implements FlowController {
  constructor(private readonly options: { logger: Logger; format: (line: string) => string }) {}

  handle(commands: Command[]) {
    const { logger, format } = this.options;
    for (const command of commands) {
      for (const stream of [command.stdout, command.stderr]) {
        // A decoder per stream, so a character cut between two chunks is not garbled.
        const decoder = new StringDecoder('utf8');
        const lines = lineSplitter((line) => logger.logCommandText(`${format(line)}\n`, command));
        stream.subscribe((chunk) => lines.push(decoder.write(chunk)));
        command.close.subscribe(() => {
          lines.push(decoder.end());
          lines.flush();
        });
      }
    }
    return { commands };
  }
}
