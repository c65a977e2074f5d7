import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium: Playwright's own browser download cannot work on these machines. */
const CHROMIUM = process.env.TEST_CHROMIUM_PATH ?? '/usr/bin/chromium';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
/** Git-ignored: the screens as the last run saw them, for a person to look at. */
export const SCREENSHOTS = path.join(repoRoot, '.var/console-screenshots');
export const CONSOLE_BUILD = path.join(repoRoot, 'apps/console/dist');

/** A desktop and a phone (an iPhone 12–15's CSS width). */
export const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

/** WCAG 2.1 A and AA, as axe-core tags them. */
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Chromium, or a failure that says how to get it: the test never skips itself. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}, and the console's browser test needs it: ` +
        'install it with `apt-get install -y chromium` (infra/scripts/bootstrap.sh does) or ' +
        'set TEST_CHROMIUM_PATH to another Chromium.',
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    // Chromium's sandbox refuses to run as root (CI and these machines run as root).
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

/** The built console the gateway serves, or a failure saying how to build it. */
export function assertConsoleBuilt(): void {
  if (!existsSync(path.join(CONSOLE_BUILD, 'index.html')))
    throw new Error(
      `The console is not built (${CONSOLE_BUILD}/index.html is missing): run ` +
        '`pnpm --filter @switchyard/console build` (turbo runs it before this test).',
    );
}

export async function clearScreenshots(): Promise<void> {
  await rm(SCREENSHOTS, { recursive: true, force: true });
  await mkdir(SCREENSHOTS, { recursive: true });
}

/**
 * Look at the screen as it is now at each width: no WCAG 2.1 AA violation axe-core can find,
 * no sideways scrolling of the page, and a full-page screenshot `<name>-<width>.png`. Ends at
 * the first width again.
 */
export async function checkScreen(
  page: Page,
  name: string,
  // A modal dialog dims the viewport, not the whole page: shoot what a person sees.
  options: { fullPage?: boolean } = {},
): Promise<void> {
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
    const found = violations.map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      where: v.nodes.map((n) => n.target.join(' ')),
    }));
    expect({ screen: name, width: size.width, violations: found }).toEqual({
      screen: name,
      width: size.width,
      violations: [],
    });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect({ screen: name, width: size.width, overflowPx: overflow }).toEqual({
      screen: name,
      width: size.width,
      overflowPx: 0,
    });
    await page.screenshot({
      path: path.join(SCREENSHOTS, `${name}-${size.width}.png`),
      fullPage: options.fullPage ?? true,
    });
  }
  await page.setViewportSize(WIDTHS[0]);
}

/**
 * What the page reported that a person would never see but must not happen: a script error,
 * or anything the Content-Security-Policy refused.
 */
export function watchForPageFaults(page: Page): string[] {
  const faults: string[] = [];
  page.on('pageerror', (error) => faults.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text()))
      faults.push(`CSP: ${message.text()}`);
  });
  return faults;
}
