/**
 * Runs `run` every `intervalMs` in this process, never two runs at once; a failing run is
 * logged and the next one tries again. Jobs that must not run on two replicas at once guard
 * themselves (row locks, leases): this only schedules.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly options: {
      name: string;
      intervalMs: number;
      run: () => Promise<void>;
      logger: { error(obj: object, msg: string): void };
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runNow(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Run now unless a run is in progress; resolves when the current run ends. */
  runNow(): Promise<void> {
    this.running ??= this.options
      .run()
      .catch((error: unknown) =>
        this.options.logger.error(
          { err: error, task: this.options.name },
          `${this.options.name} failed; will retry`,
        ),
      )
      .finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.running) await this.running;
  }
}
