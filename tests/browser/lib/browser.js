// Headless Chromium through playwright-core (the system's /usr/bin/chromium: Playwright's own
// browser download is not available here), plus the helpers the tests share: log in, run
// axe-core, measure a page's compressed weight, and record CSP violations.
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = join(here, '..', '..', '..', 'docs', 'screenshots');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// A page that records every request's host and every console error (CSP violations land there).
export async function watchedPage(context) {
  const page = await context.newPage();
  page.problems = [];
  page.hosts = new Set();
  page.on('console', (msg) => {
    // A page answered 4xx on purpose (422 with validation messages, 403) logs "Failed to load
    // resource"; missing sub-resources are caught below instead.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
      page.problems.push(msg.text());
    }
  });
  page.on('response', (res) => {
    if (res.request().resourceType() !== 'document' && res.status() >= 400) {
      page.problems.push(`${res.status()} for ${res.url()}`);
    }
  });
  page.on('pageerror', (err) => page.problems.push(String(err)));
  page.on('request', (req) => page.hosts.add(new URL(req.url()).host));
  return page;
}

export async function login(page, base, username, password) {
  await page.goto(`${base}/login`);
  await page.getByLabel(/^Username$/).fill(username);
  await page.getByLabel(/^Password$/).fill(password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.getByRole('button', { name: 'Log in' }).click()]);
}

// axe-core's serious and critical violations on the current page. The source is evaluated
// through the DevTools protocol, which the page's strict CSP does not block (an injected
// <script> would be).
export async function axeViolations(page) {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }),
  );
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

// Compressed bytes of everything a page loads (HTML, CSS, JS), in a fresh context that has
// the session cookie but an empty cache, so the stylesheet and script count too.
export async function pageWeight(browser, storageState, url) {
  const context = await browser.newContext({ storageState });
  const page = await context.newPage();
  const responses = [];
  page.on('response', (r) => responses.push(r));
  await page.goto(url, { waitUntil: 'networkidle' });
  let total = 0;
  const parts = [];
  for (const r of responses) {
    const sizes = await r.request().sizes();
    total += sizes.responseBodySize;
    parts.push(`${new URL(r.url()).pathname} ${sizes.responseBodySize} B (${r.headers()['content-encoding'] || 'identity'})`);
  }
  await context.close();
  return { total, parts };
}

export async function screenshot(page, name, fullPage = true) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}
