import type { Platform } from '@switchyard/testing';
/** The outcome of one invariant: its figures, and one line per violation (none when it holds). */
export interface CheckResult {
  name: string;
  ok: boolean;
  figures: Record<string, number>;
  problems: string[];
  /** Orders a violation is about, by kind (lost, stuck, double_charged), for per-fault figures. */
  orderIds?: Record<string, string[]>;
}

export function checkResult(
  name: string,
  figures: Record<string, number>,
  problems: string[],
  orderIds?: Record<string, string[]>,
): CheckResult {
  return { name, ok: problems.length === 0, figures, problems: problems.slice(0, 50), orderIds };
}

/** Where the run's data lives: each service's database, the provider, the SMTP capture. */
export interface RunData {
  databases: {
    auth: string;
    order: string;
    payment: string;
    notification: string;
    billing: string;
  };
  sandboxUrl: string;
  smtpWebUrl: string;
}

/** Where a running platform keeps its data. */
export function runDataOf(platform: Platform): RunData {
  const db = (name: string) => platform.processes.find((p) => p.name === name)!.database!.url;
  return {
    databases: {
      auth: db('auth'),
      order: db('order'),
      payment: db('payment'),
      notification: db('notification'),
      billing: db('billing'),
    },
    sandboxUrl: platform.serviceUrl('payment-sandbox'),
    smtpWebUrl: platform.smtp.webUrl,
  };
}
