import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * An append-only file of JSON lines: what the sandbox must not forget across a restart (its
 * objects and the answers it gave per idempotency key), as a real provider keeps both. Each
 * line is written and synced before the answer goes out; on start every line is read back,
 * later lines winning. Without a file the sandbox keeps everything in memory.
 */
export class Journal<R> {
  private readonly fd: number | null;

  constructor(private readonly file: string | undefined) {
    if (!file) {
      this.fd = null;
      return;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, 'a');
  }

  /** Every record written so far (a torn last line, from a crash mid-write, is skipped). */
  replay(): R[] {
    if (!this.file) return [];
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    const records: R[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        records.push(JSON.parse(line) as R);
      } catch {
        /* torn write */
      }
    }
    return records;
  }

  write(record: R): void {
    if (this.fd === null) return;
    appendFileSync(this.fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
  }
}
