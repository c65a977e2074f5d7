// The staff console in a real browser (Debian's Chromium), served by the real gateway at /admin
// in front of the whole platform, each process real. A person's path through it: refused as a
// customer, signed in as an admin, an order placed through the API found, refunded in part
// after confirming, another fulfilled, a product edited and one added, signed out. Every screen
// is checked for WCAG 2.1 AA violations and sideways scrolling at 1280 and 390 px, and kept as
// a screenshot in .var/console-screenshots/.
import { startPlatform, waitFor, type Platform } from '@switchyard/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assertConsoleBuilt,
  checkScreen,
  clearScreenshots,
  launchChromium,
  watchForPageFaults,
} from './support/browser.js';
import { PASSWORD, platformApi } from './support/platform-api.js';

const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
const LANTERN = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0003';
const ORDERS_PER_PAGE = 20; // src/orders/orders-api.ts
// The shortest access token auth issues: the console must refresh it while the test runs.
const ACCESS_TOKEN_TTL_SECONDS = 60;

describe('the staff console at /admin', () => {
  let platform: Platform;
  let api: ReturnType<typeof platformApi>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let faults: string[] = [];
  const refreshes: number[] = [];
  let admin: { email: string; name: string };
  let customer: { email: string; name: string };
  let refundOrder: { id: string };
  let fulfilOrder: { id: string };

  beforeAll(async () => {
    assertConsoleBuilt();
    browser = await launchChromium();
    await clearScreenshots();
    platform = await startPlatform({
      env: { ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL_SECONDS) },
    });
    api = platformApi(platform);
    [admin, customer] = await Promise.all([api.register('Ada'), api.register('Casey')]);
    await api.grantAdmin(admin.email);
    // Older than the two the test works on: with them, one order more than a page holds.
    await api.placeOrders(customer.email, MUG, ORDERS_PER_PAGE - 1);
    [refundOrder, fulfilOrder] = await Promise.all([
      api.placePaidOrder(customer.email, LANTERN, 2),
      api.placePaidOrder(customer.email, MUG, 1),
    ]);
    context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Berlin' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    faults = watchForPageFaults(page);
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/v1/auth/refresh')
        refreshes.push(response.status());
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (platform) expect(await platform.stop()).toEqual(platform.running.map(() => 0));
  }, 60_000);

  afterEach(() => {
    // No script error and nothing the Content-Security-Policy refused, on any screen.
    expect(faults).toEqual([]);
  });

  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const signInAs = async (email: string, password = PASSWORD) => {
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  it('tells a customer who signs in that the console is for staff', async () => {
    await page.goto(`${platform.gatewayUrl}/admin/`);
    await heading('Sign in to the console').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await checkScreen(page, 'sign-in');

    const logout = page.waitForResponse(
      (response) => new URL(response.url()).pathname === '/v1/auth/logout',
    );
    await signInAs(customer.email);
    await page.getByRole('heading', { name: 'This account cannot use the console' }).waitFor();
    expect((await logout).status()).toBe(204);
    expect(await page.getByRole('alert').textContent()).toContain(customer.email);
    await checkScreen(page, 'sign-in-refused');
    // Nothing behind the sign-in opens.
    await page.goto(`${platform.gatewayUrl}/admin/orders`);
    await heading('Sign in to the console').waitFor();
  });

  it('shows why a sign-in failed next to the field, then signs an admin in', async () => {
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(await page.locator('.field__error').allTextContents()).toEqual([
      'Error: Enter your email address',
      'Error: Enter your password',
    ]);
    expect(await page.getByLabel('Email address').getAttribute('aria-invalid')).toBe('true');
    await checkScreen(page, 'sign-in-missing');

    await signInAs(admin.email, 'not the passphrase');
    await page.getByText('The email address or password is not right.').waitFor();

    await signInAs(admin.email);
    await heading('Orders').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/orders');
  });

  it('lists the order placed through the API, and narrows the list by status', async () => {
    const row = page.getByRole('row', { name: new RegExp(refundOrder.id.slice(0, 8)) });
    await row.waitFor();
    expect(await row.textContent()).toContain('Paid');
    expect(await row.textContent()).toContain('€178.00');
    await checkScreen(page, 'orders');
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(ORDERS_PER_PAGE);

    // Cursor paging: the oldest order is alone on the second page; Previous goes back.
    await page.getByRole('button', { name: 'Next page' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await rows.count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await row.waitFor();
    expect(await rows.count()).toBe(ORDERS_PER_PAGE);

    await page.getByLabel('Status').selectOption('paid');
    await row.waitFor();
    expect(new URL(page.url()).search).toBe('?status=paid');
    await page.getByLabel('Status').selectOption('cancelled');
    await page.getByText('No orders are cancelled.').waitFor();
    await checkScreen(page, 'orders-none');
    await page.getByLabel('Status').selectOption('');
  });

  it('refunds part of an order after a confirmation; the amount is checked first', async () => {
    await page.getByRole('link', { name: `Order ${refundOrder.id.slice(0, 8)}` }).click();
    await heading(`Order ${refundOrder.id.slice(0, 8)}`).waitFor();
    await page.getByRole('heading', { name: /^Payment / }).waitFor();
    await checkScreen(page, 'order');

    const amount = page.getByLabel('Amount to refund (EUR)');
    expect(await amount.inputValue()).toBe('178.00');
    await amount.fill('500');
    await page.getByRole('button', { name: 'Refund…' }).click();
    await page.getByText('Enter at most €178.00, what is left to refund').first().waitFor();
    expect(await amount.getAttribute('aria-invalid')).toBe('true');
    await checkScreen(page, 'order-refund-invalid');

    await amount.fill('25.50');
    await page.getByLabel('Reason').fill('lantern glass cracked');
    await page.getByRole('button', { name: 'Refund…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm the refund' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Refund €25.50 of the €178.00 paid?');
    // Focus starts on the harmless answer.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await checkScreen(page, 'order-refund-confirm', { fullPage: false });

    await dialog.getByRole('button', { name: 'Refund €25.50' }).click();
    await page.getByRole('status').getByText('A refund of €25.50 was requested.').waitFor();
    // The provider confirms, payment tells the order: the page follows on its own.
    await page.locator('.page-title').getByText('Partly refunded').waitFor({ timeout: 30_000 });
    const refunds = page.locator('.refunds li');
    await refunds.filter({ hasText: 'Refunded' }).waitFor();
    expect(await refunds.allTextContents()).toEqual([
      expect.stringMatching(/^€25\.50 Refunded.* · lantern glass cracked$/),
    ]);
    expect(await amount.inputValue()).toBe('152.50'); // what is left, for the next refund
    await checkScreen(page, 'order-refunded');

    const order = await api.call('GET', `/v1/orders/${refundOrder.id}`, {
      token: await api.signIn(customer.email),
    });
    expect(order.body).toMatchObject({
      status: 'partially_refunded',
      refunded: { amount: 2550, currency: 'EUR' },
    });
  });

  it('marks a paid order fulfilled', async () => {
    await page.getByRole('link', { name: 'All orders' }).click();
    await page.getByRole('link', { name: `Order ${fulfilOrder.id.slice(0, 8)}` }).click();
    await page.getByRole('button', { name: 'Mark fulfilled' }).click();
    await page.getByText('The order is marked fulfilled.').waitFor();
    await page.locator('.page-title').getByText('Fulfilled').waitFor();
    expect(await page.getByRole('button', { name: 'Mark fulfilled' }).count()).toBe(0);
    const order = await api.call('GET', `/v1/orders/${fulfilOrder.id}`, {
      token: await api.signIn(customer.email),
    });
    expect(order.body.status).toBe('fulfilled');
  });

  it("edits a product's price and stock; the API's refusal shows next to its field", async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Catalog' })
      .click();
    await heading('Catalog').waitFor();
    await checkScreen(page, 'catalog');

    await page.getByRole('link', { name: 'Brass lantern' }).click();
    await heading('Edit Brass lantern').waitFor();
    await checkScreen(page, 'product-edit');

    // Over the catalog's bound: only the API knows it, and its 400 names the field.
    await page.getByLabel('Units in stock').fill('2000000');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(await page.getByLabel('Units in stock').getAttribute('aria-invalid')).toBe('true');
    await page.locator('.field--invalid').getByText('Must be at most 1,000,000').waitFor();
    await checkScreen(page, 'product-edit-invalid');

    await page.getByLabel('Units in stock').fill('42');
    await page.getByLabel('Price').fill('95.5');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Brass lantern was saved.').waitFor();
    const row = page.getByRole('row', { name: /Brass lantern/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('€95.50');
    expect(await row.textContent()).toContain('42');

    const product = await api.call('GET', `/v1/products/${LANTERN}`);
    expect(product.body).toMatchObject({ price: { amount: 9550, currency: 'EUR' }, stock: 42 });
  });

  it('adds a product, after the API refused a SKU it does not accept', async () => {
    await page.getByRole('link', { name: 'Add a product' }).click();
    await heading('Add a product').waitFor();
    await page.getByLabel('SKU').fill('signal lamp');
    await page.getByLabel('Name').fill('Signal lamp');
    await page.getByLabel('Price').fill('49.90');
    await page.getByLabel('Units in stock').fill('7');
    await page.getByRole('button', { name: 'Add the product' }).click();
    await page
      .locator('.field--invalid')
      .getByText('Use 2 to 40 capital letters, digits and hyphens')
      .waitFor();
    expect(await page.getByLabel('SKU').getAttribute('aria-invalid')).toBe('true');
    await checkScreen(page, 'product-new-invalid');

    const sku = `LAMP-${Date.now()}`;
    await page.getByLabel('SKU').fill(sku);
    await page.getByRole('button', { name: 'Add the product' }).click();
    await page.getByText('Signal lamp was added.').waitFor();
    const listed = await api.call('GET', '/v1/products?limit=100');
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({
        sku,
        name: 'Signal lamp',
        stock: 7,
        price: { amount: 4990, currency: 'EUR' },
      }),
    );
  });

  it('keeps the session alive by refreshing the access token before it expires', async () => {
    // The token lives 60 s; the console refreshes it 30 s in at the latest.
    await waitFor(async () => refreshes.includes(200), {
      timeoutMs: ACCESS_TOKEN_TTL_SECONDS * 1000,
      what: 'the console to refresh its access token',
    });
    expect(refreshes.filter((status) => status !== 200)).toEqual([]);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Orders' })
      .click();
    await page.getByRole('row', { name: new RegExp(refundOrder.id.slice(0, 8)) }).waitFor();
  });

  it('can be used with the keyboard: a skip link, then the content', async () => {
    await page.goto(`${platform.gatewayUrl}/admin/nowhere`);
    // A reload signs in again: tokens live in the page's memory only.
    await heading('Sign in to the console').waitFor();
    await signInAs(admin.email);
    await heading('Page not found').waitFor();
    await checkScreen(page, 'not-found');
    // From the top of the page, as after a page load (the session lives in this page only, so
    // a real reload would sign out): the next Tab starts from the body.
    await page.evaluate(() => {
      document.body.tabIndex = -1;
      document.body.focus();
      document.body.removeAttribute('tabindex');
    });
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to main content' });
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await skip.isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('signs out, ending the session at auth too', async () => {
    const logout = page.waitForResponse(
      (response) => new URL(response.url()).pathname === '/v1/auth/logout',
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect((await logout).status()).toBe(204);
    await page.getByText('You have signed out.').waitFor();
    await checkScreen(page, 'signed-out');
    await page.goBack();
    await heading('Sign in to the console').waitFor();
  });
});
