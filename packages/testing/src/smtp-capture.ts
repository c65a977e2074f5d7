import { createRequire } from 'node:module';
import path from 'node:path';
import { freePort } from './free-port.js';
import { startProcess, type RunningProcess } from './process.js';
import { waitForHttp } from './wait-for.js';

export interface CapturedEmail {
  id: string;
  subject: string;
  text: string;
  /** The HTML part, when the email has one. */
  html?: string;
  to: { address: string; name: string }[];
  /** The Message-ID header, without its angle brackets. */
  messageId?: string;
  from: { address: string; name: string }[];
}

export interface SmtpCapture {
  smtpUrl: string;
  /** The capture server's process id (a benchmark counts its CPU as part of the stack). */
  pid: number;
  webUrl: string;
  emails(): Promise<CapturedEmail[]>;
  emailsTo(address: string): Promise<CapturedEmail[]>;
  stop(): Promise<void>;
}

/** List what an SMTP capture (MailDev) received, through its REST API. */
export async function fetchCapturedEmails(webUrl: string): Promise<CapturedEmail[]> {
  const res = await fetch(`${webUrl}/email`);
  if (!res.ok) throw new Error(`smtp capture answered ${res.status}`);
  return (await res.json()) as CapturedEmail[];
}

/** Start MailDev, a real SMTP server that keeps what it receives, on free local ports. */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const require = createRequire(import.meta.url);
  const bin = path.join(path.dirname(require.resolve('maildev/package.json')), 'bin/maildev');
  const [smtpPort, webPort] = [await freePort(), await freePort()];
  const child: RunningProcess = startProcess(
    'smtp-capture',
    process.execPath,
    [bin, '--ip', '127.0.0.1', '--smtp', String(smtpPort), '--web', String(webPort)],
    { cwd: process.cwd(), env: {} },
  );
  const webUrl = `http://127.0.0.1:${webPort}`;
  await waitForHttp(`${webUrl}/email`, 20_000);
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    pid: child.child.pid!,
    webUrl,
    emails: () => fetchCapturedEmails(webUrl),
    emailsTo: async (address) =>
      (await fetchCapturedEmails(webUrl)).filter((e) => e.to.some((t) => t.address === address)),
    stop: async () => {
      await child.stop();
    },
  };
}
