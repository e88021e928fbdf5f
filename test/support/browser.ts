import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

/** The browser tests' shared set-up (issue 14): headless Chromium (Debian's), the CSP watch, the rendered-screen wait, axe-core and screenshots. */
export const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'browser');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // The page's users read French: the browser's own words (date fields, the file picker) in French too.
  '--lang=fr-FR',
];

export function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** One headless Chromium for the whole test file: launched before its tests (after the hooks registered before), closed after them. */
export function useBrowser(assign: (browser: Browser) => void): void {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
    assign(browser);
  });
  afterAll(async () => {
    await browser?.close();
  });
}

/** Issue 12: what the browser refuses under the page's CSP (it must be nothing: the CSP allows exactly what the page loads). */
export function cspViolations(page: Page): string[] {
  const refused: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
  });
  return refused;
}

/**
 * The main region shows this address, drawn (data-rendered) and no longer busy. Predicates as functions, not
 * strings: the page's CSP forbids evaluating strings (no 'unsafe-eval').
 */
export function rendered(page: Page, ...parts: string[]) {
  return page.waitForFunction((want) => {
    // Runs in the page (this project compiles without the DOM library).
    const { location, document } = globalThis as unknown as {
      location: { hash: string };
      document: { querySelector(s: string): { dataset: Record<string, string>; getAttribute(n: string): string | null } | null };
    };
    const main = document.querySelector('#contenu');
    return (
      want.every((p) => location.hash.includes(p)) && main?.dataset.rendered === location.hash && main.getAttribute('aria-busy') === 'false'
    );
  }, parts);
}

/** Issue 14 (RGAA): axe-core (which needs the page in its own context, for its run's last step) on the screen as shown: no serious or critical violation; and its screenshot kept. */
export async function check(page: Page, name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const { violations } = await new AxeBuilder({ page }).analyze();
  const grave = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(grave, name).toEqual([]);
}

/** Sign in with a token on the page served at `api` and wait for the overview; `screenshot` names the sign-in's check (none when absent). */
export async function signIn(page: Page, api: string, token: string, screenshot?: string) {
  const res = await page.goto(`${api}/#/connexion`);
  expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
  await page.waitForSelector('form#signin');
  if (screenshot) await check(page, screenshot);
  await page.fill('input[name=token]', token);
  await page.click('form#signin button[type=submit]');
  await page.waitForSelector('h1:has-text("Vue d\'ensemble")');
  await rendered(page, '#/');
}

/** A page of its own (a new context), signed in with `token`, and what the browser refuses under its CSP (cspViolations). */
export async function signedInPage(browser: Browser, api: string, token: string): Promise<{ page: Page; refused: string[] }> {
  const page = await (await browser.newContext()).newPage();
  const refused = cspViolations(page);
  await signIn(page, api, token);
  return { page, refused };
}

/** Opens a screen from the navigation (its first link to `hash`) and waits for its title and its rendering. */
export async function openFromNav(page: Page, hash: string, title: string) {
  await page.click(`nav a[href="${hash}"] >> nth=0`);
  await page.waitForSelector(`h1:has-text("${title}")`);
  await rendered(page, hash);
}
