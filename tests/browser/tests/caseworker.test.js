// A caseworker's day in headless Chromium against `homeward demo`: log in, register a child
// with a Bengali-script name, find them by name, take a tracing request for two children,
// review the potential match it finds and confirm it with a reason, take the case through
// verification, approval and reunification on its page, switch to Assamese and back; a community volunteer cannot open the case page; every main page stays under 60 KB
// compressed, loads nothing from another host, breaks no CSP rule, fits 360 px and has no
// serious or critical axe-core violation. Screenshots go to docs/screenshots.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { join } from 'node:path';

import { axeViolations, launch, login, pageWeight, screenshot, SCREENSHOTS, watchedPage } from '../lib/browser.js';
import { DEMO_PASSWORD, startDemo } from '../lib/server.js';

const BUDGET = 60 * 1024;
const binary = process.env.HOMEWARD_BIN;

describe('caseworker in the browser', () => {
  let server;
  let browser;
  let context;
  let page;
  let state;
  let caseRef;
  let requestRef;
  const weights = {};
  const axe = {};

  before(async () => {
    assert.ok(binary, 'HOMEWARD_BIN must name the homeward binary (run.sh sets it)');
    server = await startDemo(binary);
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
    page = await watchedPage(context);
  });

  after(async () => {
    if (Object.keys(weights).length) {
      console.log('page weights (compressed bytes, HTML+CSS+JS):');
      for (const [name, w] of Object.entries(weights)) console.log(`  ${name}: ${w}`);
    }
    if (Object.keys(axe).length) {
      console.log('axe-core serious/critical violations:');
      for (const [name, v] of Object.entries(axe)) console.log(`  ${name}: ${v.length}`);
    }
    await browser?.close();
    await server?.stop();
  });

  async function checkPage(name) {
    const violations = await axeViolations(page);
    axe[name] = violations;
    assert.deepEqual(violations, [], `${name}: axe-core violations`);
    assert.deepEqual(page.problems, [], `${name}: console errors (CSP violations show here)`);
    assert.deepEqual([...page.hosts], [new URL(server.url).host], `${name}: requests to other hosts`);
  }

  async function weigh(name, path) {
    const { total, parts } = await pageWeight(browser, state, `${server.url}${path}`);
    weights[name] = `${total} B (${parts.join('; ')})`;
    assert.ok(total <= BUDGET, `${name} weighs ${total} bytes compressed: ${parts.join('; ')}`);
  }

  it('shows an accessible login form and logs the caseworker in', async () => {
    await page.goto(`${server.url}/login`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await screenshot(page, 'login', false);
    await checkPage('login');
    await login(page, server.url, 'caseworker', DEMO_PASSWORD);
    await page.getByRole('heading', { level: 1, name: /Welcome, Rupa Deka/ }).waitFor();
    state = await context.storageState();
    const cookie = state.cookies.find((c) => c.name === 'hw_session');
    assert.ok(cookie && cookie.httpOnly && cookie.sameSite === 'Strict', 'session cookie is HttpOnly and SameSite=Strict');
  });

  it('shows the dashboard with key figures and a chart', async () => {
    await page.goto(`${server.url}/`);
    assert.ok(Number(await page.locator('.figures .value').first().innerText()) > 0);
    assert.equal(await page.locator('svg.bars rect').count(), 4);
    await screenshot(page, 'dashboard');
    await checkPage('dashboard');
    await weigh('dashboard', '/');
  });

  it('lists cases with filters and paging', async () => {
    await page.goto(`${server.url}/cases?status=open&risk_level=high`);
    await page.getByText(/records?, page 1 of/).waitFor();
    assert.ok((await page.locator('tbody tr').count()) > 0);
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.getByText(/page 2 of/).waitFor();
    await page.goto(`${server.url}/cases`);
    await screenshot(page, 'case-list', false);
    await checkPage('case list');
    await weigh('case list', '/cases');
  });

  it('shows validation messages beside the fields, then registers a child named in Bengali script', async () => {
    await page.goto(`${server.url}/cases/new`);
    await page.locator('#f-name_first').fill('রহিম');
    await page.locator('#f-name_last').fill('উদ্দিন');
    await page.locator('#f-age').fill('25');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await page.locator('#f-sex-error').waitFor();
    assert.match(await page.locator('#f-age-error').innerText(), /outside 0–17/);
    assert.equal(await page.locator('#f-name_first').inputValue(), 'রহিম');
    await screenshot(page, 'case-form-errors', false);
    await checkPage('case form with errors');

    await page.locator('#f-age').fill('8');
    await page.locator('#f-sex').selectOption('male');
    await page.locator('#f-protection_status').selectOption('unaccompanied');
    await page.locator('#f-risk_level').selectOption('high');
    await page.locator('#f-district').fill('Barpeta');
    await page.locator('#f-languages-bn').check();
    await page.locator('#f-family_details-0-relation').selectOption('mother');
    await page.locator('#f-family_details-0-relation_name').fill('আমিনা খাতুন');
    await page.getByRole('button', { name: 'Add another family member' }).click();
    await page.locator('#f-family_details-1-relation').selectOption('father');
    await page.locator('#f-family_details-1-relation_is_alive').selectOption('unknown');
    await page.locator('#f-consent_for_tracing').selectOption('yes');
    await screenshot(page, 'case-form');
    await checkPage('case form');
    await weigh('case form', '/cases/new');
    await page.getByRole('button', { name: 'Save' }).last().click();
    await page.getByText('Saved.').waitFor();
    const h1 = page.locator('h1 bdi');
    assert.equal(await h1.innerText(), 'রহিম উদ্দিন');
    assert.equal(await h1.getAttribute('lang'), 'bn');
    caseRef = (await page.locator('.meta strong').innerText()).trim();
    assert.match(caseRef, /^HW-/);
    await screenshot(page, 'case-page');
    await checkPage('case page');
    await weigh('case page', `/cases/${caseRef}`);
  });

  it('finds the child by name as one types (htmx) and by reference', async () => {
    await page.goto(`${server.url}/cases`);
    await page.locator('#q').fill('রহিম উদ্দিন');
    await page.locator('#results').getByRole('link', { name: caseRef }).waitFor();
    // The search goes into the address, so it can be reloaded and the back button works.
    await page.waitForURL(/[?&]q=/);
    await page.locator('#q').fill(caseRef);
    await page.getByText(/^1 record/).waitFor();
  });

  it('takes a tracing request for two children', async () => {
    await page.goto(`${server.url}/tracing-requests/new`);
    const today = new Date().toISOString().slice(0, 10);
    await page.locator('#f-inquiry_date').fill(today);
    await page.locator('#f-relation_name').fill('আমিনা খাতুন');
    await page.locator('#f-relation').selectOption('mother');
    await page.locator('#f-district').fill('Barpeta');
    await page.locator('#f-children_sought-0-name_first').fill('রহিম');
    await page.locator('#f-children_sought-0-sex').selectOption('male');
    await page.locator('#f-children_sought-0-age').fill('8');
    await page.getByRole('button', { name: 'Add another child' }).click();
    await page.locator('#f-children_sought-1-name_first').fill('করিম');
    await page.locator('#f-children_sought-1-sex').selectOption('male');
    await screenshot(page, 'tracing-form');
    await checkPage('tracing request form');
    await weigh('tracing request form', '/tracing-requests/new');
    await page.getByRole('button', { name: 'Save' }).last().click();
    await page.getByText('Saved.').waitFor();
    requestRef = (await page.locator('.meta strong').innerText()).trim();
    assert.match(requestRef, /^TR-/);
    assert.equal(await page.getByRole('heading', { name: /Child sought/ }).count(), 2);
  });

  it('reviews the potential match of the request and confirms it with a reason', async () => {
    // Matching runs off the request path; the child registered above is proposed within
    // moments. Reload the request until its match is listed.
    let link = page.locator('#matches a', { hasText: caseRef });
    for (let i = 0; i < 50 && (await link.count()) === 0; i++) {
      await page.waitForTimeout(200);
      await page.goto(`${server.url}/tracing-requests/${requestRef}`);
      link = page.locator('#matches a', { hasText: caseRef });
    }
    assert.equal(await link.count(), 1, `the request lists its match with ${caseRef}`);
    assert.match(await page.locator('#matches li', { hasText: caseRef }).innerText(), /\d+%.*Pending/);
    await link.click();
    await page.getByRole('heading', { level: 1, name: /Potential match/ }).waitFor();
    const reviewPath = new URL(page.url()).pathname;
    assert.match(reviewPath, /^\/matches\//);
    assert.ok((await page.locator('table.explain tbody tr').count()) > 0, 'each field\'s part is shown');
    await checkPage('match review');
    await weigh('match review', reviewPath);

    // A decision without a reason is refused beside the field.
    await page.getByLabel(/^Confirm/).check();
    await page.getByRole('button', { name: 'Save the decision' }).click();
    await page.locator('#f-reason-error').waitFor();
    assert.equal(await page.locator('#f-reason').getAttribute('aria-invalid'), 'true');
    await checkPage('match review with an error');

    await page.getByLabel(/^Confirm/).check();
    await page.locator('#f-reason').fill('Mother named in both; name, age and district agree.');
    await page.getByRole('button', { name: 'Save the decision' }).click();
    await page.getByText('The decision was saved.').waitFor();
    assert.match(await page.locator('.head .meta').innerText(), /Confirmed/);
    await page.getByText('Mother named in both; name, age and district agree.').waitFor();
    await screenshot(page, 'match-review');
    await checkPage('match review decided');
  });

  it('takes the confirmed case through the workflow: tracing, verification, approval and reunification', async () => {
    await page.goto(`${server.url}/cases/${caseRef}`);
    const stage = page.locator('#workflow .stage');
    assert.equal(await stage.innerText(), 'Registered');
    // Closing without a reason is refused beside the field; nothing changes.
    await page.locator('#wf-close summary').click();
    await page.getByRole('button', { name: 'Close the case' }).click();
    await page.locator('#wf-close-closure_reason-error').waitFor();
    assert.equal(await page.locator('#wf-close-closure_reason').getAttribute('aria-invalid'), 'true');
    assert.equal(await stage.innerText(), 'Registered');
    await checkPage('case workflow with an error');

    for (const [button, reached] of [
      ['Start tracing', 'Tracing'],
      ['Start verification', 'Verification'],
    ]) {
      await page.getByRole('button', { name: button }).click();
      await page.locator('#workflow .stage', { hasText: reached }).waitFor();
    }

    await page.locator('#wf-verification summary').click();
    for (const f of ['adult_willing', 'adult_able', 'child_knows_adult', 'accounts_agree']) {
      await page.locator(`#wf-verification-${f}`).selectOption('yes');
    }
    await page.locator('#wf-verification-child_wishes').selectOption('yes');
    await page.locator('#wf-verification-recommendation').selectOption('reunification');
    await page.locator('#wf-verification-notes').fill('Mother recognised him; both describe the same village.');
    await page.getByRole('button', { name: 'Save the verification' }).click();
    await page.locator('table.events th', { hasText: 'Verification' }).waitFor();
    await page.locator('#wf-move summary').click();
    await page.locator('#workflow').screenshot({ path: join(SCREENSHOTS, 'case-workflow.png') });
    await checkPage('case workflow');
    await weigh('case workflow', `/cases/${caseRef}`);

    // The supervisor of the team approves; the caseworker then reunifies.
    const other = await browser.newContext({ viewport: { width: 1024, height: 800 } });
    const p = await watchedPage(other);
    try {
      await login(p, server.url, 'supervisor', DEMO_PASSWORD);
      await p.goto(`${server.url}/cases/${caseRef}`);
      await p.locator('#wf-approval summary').click();
      await p.locator('#wf-approval-reason').fill('Verification positive; the child wishes to go home.');
      await p.getByRole('button', { name: 'Approve reunification' }).click();
      await p.locator('table.events th', { hasText: 'Reunification approved' }).waitFor();
    } finally {
      await other.close();
    }
    await page.goto(`${server.url}/cases/${caseRef}`);
    await page.locator('#wf-reunify summary').click();
    await page.locator('#wf-reunify-adult_name').fill('আমিনা খাতুন');
    await page.locator('#wf-reunify-relation').selectOption('mother');
    await page.getByRole('button', { name: 'Record the reunification' }).click();
    await page.locator('#workflow .stage', { hasText: 'Reunification' }).waitFor();
    assert.ok((await page.locator('ul.followups li').count()) >= 2, 'follow-up visits are scheduled');
    await checkPage('case reunified');
  });

  it('switches the language to Assamese and back', async () => {
    await page.goto(`${server.url}/cases/${caseRef}`);
    await page.getByRole('button', { name: 'অসমীয়া' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'as');
    assert.equal(new URL(page.url()).pathname, `/cases/${caseRef}`, 'the same page, in Assamese');
    await page.getByRole('link', { name: 'শিশুৰ পঞ্জীয়ন' }).first().waitFor();
    assert.equal(await page.locator('h1 bdi').innerText(), 'রহিম উদ্দিন', 'the name stays as written');
    await page.goto(`${server.url}/`);
    await screenshot(page, 'dashboard-assamese', false);
    await checkPage('dashboard in Assamese');
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.getByRole('link', { name: 'Register a child' }).first().waitFor();
  });

  it('fits a 360 px wide screen', async () => {
    const narrow = await browser.newContext({ storageState: state, viewport: { width: 360, height: 740 } });
    const p = await narrow.newPage();
    for (const path of ['/', '/cases', '/cases/new', `/cases/${caseRef}`, '/tracing-requests/new']) {
      await p.goto(`${server.url}${path}`);
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `${path} is ${width} px wide at 360 px`);
    }
    await p.goto(`${server.url}/`);
    await p.screenshot({ path: join(SCREENSHOTS, 'dashboard-360.png'), fullPage: true });
    await narrow.close();
  });

  it('shows the change history of the case', async () => {
    await page.goto(`${server.url}/cases/${caseRef}/history`);
    await page.getByRole('heading', { name: `Change history of ${caseRef}` }).waitFor();
    assert.ok((await page.locator('tbody tr').count()) >= 5);
    await checkPage('change history');
  });

  it('does not let a community volunteer open a case page', async () => {
    const other = await browser.newContext();
    const p = await watchedPage(other);
    await login(p, server.url, 'volunteer', DEMO_PASSWORD);
    const saved = page;
    page = p;
    try {
      await checkPage('volunteer dashboard');
      const res = await p.goto(`${server.url}/cases/${caseRef}`);
      assert.equal(res.status(), 403);
      await p.getByRole('heading', { name: 'Not allowed for your role' }).waitFor();
      assert.equal(await p.getByText('রহিম').count(), 0);
      await checkPage('403 page');
      // The registration form stays open to them.
      assert.equal((await p.goto(`${server.url}/cases/new`)).status(), 200);
    } finally {
      page = saved;
      await other.close();
    }
  });

  it('gives administrators the user list and the audit trail', async () => {
    const other = await browser.newContext({ viewport: { width: 1024, height: 800 } });
    const p = await watchedPage(other);
    await login(p, server.url, 'admin', DEMO_PASSWORD);
    const saved = page;
    page = p;
    try {
      await p.goto(`${server.url}/admin/users`);
      await p.getByRole('cell', { name: 'caseworker2', exact: true }).waitFor();
      await screenshot(p, 'users', false);
      await checkPage('users');
      await p.goto(`${server.url}/admin/audit`);
      await p.getByRole('button', { name: 'Verify the whole trail' }).click();
      await p.getByText(/The audit trail is intact/).waitFor();
      await screenshot(p, 'audit', false);
      await checkPage('audit trail');
    } finally {
      page = saved;
      await other.close();
    }
  });
});
