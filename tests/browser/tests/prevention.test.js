// Prevention work in headless Chromium against `homeward demo`: a community volunteer
// registers an at-risk household and records a home visit with a red flag, and is refused an
// incident page; a checkpoint officer logs a child in transit who is the child sought by a
// demo tracing request, is told which request and what to do next, and records the referral to
// the Child Welfare Committee; the analyst sees small counts withheld; the supervisor sees the
// overdue home visits. Every page visited stays under 60 KB compressed, loads nothing from
// another host, breaks no CSP rule and has no serious or critical axe-core violation; the
// forms and pages fit 360 px. Screenshots go to docs/screenshots.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axeViolations, launch, login, pageWeight, screenshot, watchedPage } from '../lib/browser.js';
import { DEMO_PASSWORD, startDemo } from '../lib/server.js';

const BUDGET = 60 * 1024;
const binary = process.env.HOMEWARD_BIN;
const VIEWPORT = { width: 1024, height: 800 };

describe('prevention in the browser', () => {
  let server;
  let browser;
  // One logged-in page and its session per demo user: { page, state, context }.
  const users = {};
  // Paths each user visited, checked again at 360 px at the end.
  const narrowPaths = {};
  let household;
  let visit;
  let incident;
  let sought;
  let log;
  const weights = {};
  const axe = {};

  before(async () => {
    assert.ok(binary, 'HOMEWARD_BIN must name the homeward binary (run.sh sets it)');
    server = await startDemo(binary);
    browser = await launch();
  });

  after(async () => {
    if (Object.keys(weights).length) {
      console.log('page weights (compressed bytes, HTML+CSS+JS):');
      for (const [name, w] of Object.entries(weights)) console.log(`  ${name}: ${w}`);
    }
    if (Object.keys(axe).length) {
      console.log('axe-core serious/critical violations:');
      for (const [name, v] of Object.entries(axe)) console.log(`  ${name}: ${v.length}${v.length ? ` — ${v.join(' | ')}` : ''}`);
    }
    await browser?.close();
    await server?.stop();
  });

  // Logs the demo user in, in a context of their own, and checks the dashboard they land on.
  async function loginAs(username) {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await watchedPage(context);
    await login(page, server.url, username, DEMO_PASSWORD);
    const state = await context.storageState();
    users[username] = { page, state, context };
    narrowPaths[username] = ['/'];
    await visited(username, `${username} dashboard`, '/');
    return page;
  }

  async function checkPage(page, name) {
    const violations = await axeViolations(page);
    axe[name] = violations;
    assert.deepEqual(violations, [], `${name}: axe-core violations`);
    assert.deepEqual(page.problems, [], `${name}: console errors (CSP violations show here)`);
    assert.deepEqual([...page.hosts], [new URL(server.url).host], `${name}: requests to other hosts`);
  }

  async function weigh(name, state, path) {
    const { total, parts } = await pageWeight(browser, state, `${server.url}${path}`);
    weights[name] = `${total} B (${parts.join('; ')})`;
    assert.ok(total <= BUDGET, `${name} weighs ${total} bytes compressed: ${parts.join('; ')}`);
  }

  // The checks every page gets: axe-core, console and hosts on the user's page as it stands,
  // then the weight of `path` loaded afresh with the user's session.
  async function visited(username, name, path, { narrow = true } = {}) {
    const { page, state } = users[username];
    await checkPage(page, name);
    await weigh(name, state, path);
    if (narrow && !narrowPaths[username].includes(path)) narrowPaths[username].push(path);
  }

  const today = () => new Date().toISOString().slice(0, 10);

  it('lets the volunteer register a household', async () => {
    const page = await loginAs('volunteer');
    await page.getByRole('link', { name: 'Register a household' }).first().waitFor();

    await page.goto(`${server.url}/households`);
    await page.getByRole('heading', { level: 1, name: 'Households' }).waitFor();
    await visited('volunteer', 'household list', '/households');

    await page.getByRole('link', { name: 'Register a household' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Register a household' }).waitFor();
    await page.getByLabel(/^Head of household/).fill('Sahida Begum');
    await page.getByLabel(/^District/).fill('Barpeta');
    await page.getByLabel(/^Village or camp/).fill('Char Bhangura');
    await visited('volunteer', 'household form', '/households/new');
    await page.getByRole('button', { name: 'Save' }).last().click();
    await page.getByText('Saved.').waitFor();
    household = (await page.locator('.meta strong').innerText()).trim();
    assert.match(household, /^HH-/);
    assert.equal(await page.locator('h1').innerText(), 'Sahida Begum');
    await page.getByText('Next visit due').waitFor();
    await visited('volunteer', 'household page', `/households/${household}`);
  });

  it('lets the volunteer record a home visit whose red flag is shown with the score and its reasons', async () => {
    const { page } = users.volunteer;
    await page.goto(`${server.url}/home-visits/new`);
    await page.getByRole('heading', { level: 1, name: 'Record a home visit' }).waitFor();
    await page.getByLabel(/^Household/).fill(household);
    await page.getByLabel(/^Date of the visit/).fill(today());
    await page
      .getByLabel('A relative or acquaintance offers to take the child for work or school', { exact: true })
      .selectOption({ label: 'Yes' });
    await visited('volunteer', 'home visit form', '/home-visits/new');
    await page.getByRole('button', { name: 'Save' }).last().click();
    await page.getByText('Saved.').waitFor();
    visit = (await page.locator('.meta strong').innerText()).trim();
    assert.match(visit, /^HV-/);

    const assessment = page.locator('#assessment');
    assert.match(await assessment.getAttribute('class'), /\balert\b/, 'the assessment is shown as an alert');
    await assessment.getByText(/A red-flag item was found/).waitFor();
    const score = assessment.locator('dl.pairs > div', { has: page.locator('dt', { hasText: 'Risk score' }) }).locator('dd');
    assert.ok(Number(await score.innerText()) > 0, 'the risk score is shown');
    const reason = assessment.locator('li', { hasText: 'A relative or acquaintance offers to take the child for work or school' });
    assert.equal(await reason.count(), 1, 'the item that raised the score is listed');
    assert.equal(await reason.locator('.flag').innerText(), 'Red flag');
    // The household is a link to its page.
    await page.locator('main').getByRole('link', { name: household, exact: true }).waitFor();
    await screenshot(page, 'home-visit');
    await visited('volunteer', 'home visit page', `/home-visits/${visit}`);
  });

  it('finds a demo incident and a demo tracing request as the supervisor', async () => {
    const page = await loginAs('supervisor');
    await page.goto(`${server.url}/incidents`);
    const first = page.locator('main a[href^="/incidents/IN-"]').first();
    incident = (await first.innerText()).trim();
    assert.match(incident, /^IN-/);
    await visited('supervisor', 'incident list', '/incidents');

    // The first request on the list whose child sought has a first name, sex and an age old
    // enough to be travelling (any age if none is), and whose family gave a district.
    await page.goto(`${server.url}/tracing-requests`);
    await visited('supervisor', 'tracing request list', '/tracing-requests');
    const refs = await page.locator('main a[href^="/tracing-requests/TR-"]').allInnerTexts();
    assert.ok(refs.length > 0, 'the demo holds tracing requests');
    const value = (scope, label) =>
      scope
        .locator('dl.pairs > div')
        .filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
        .locator('dd')
        .first();
    for (const ref of refs.slice(0, 10).map((r) => r.trim())) {
      await page.goto(`${server.url}/tracing-requests/${ref}`);
      const child = page.locator('section', { has: page.getByRole('heading', { name: 'Child sought 1' }) }).last();
      const field = async (scope, label) => ((await value(scope, label).count()) ? (await value(scope, label).innerText()).trim() : '');
      const found = {
        ref,
        first: await field(child, 'First name'),
        last: await field(child, 'Last name'),
        sex: await field(child, 'Sex'),
        age: await field(child, 'Age in years'),
        district: await field(page.locator('main'), 'District'),
      };
      if (found.first && found.sex && found.age && found.district) {
        sought ??= found;
        if (Number(found.age) >= 8) {
          sought = found;
          break;
        }
      }
    }
    assert.ok(sought, `one of ${refs.slice(0, 10).join(', ')} names a child with sex, age and district`);
    await visited('supervisor', 'tracing request page', `/tracing-requests/${sought.ref}`, { narrow: false });
  });

  it('refuses the volunteer the incidents without telling whether the incident exists', async () => {
    const { page } = users.volunteer;
    for (const path of [`/incidents/${incident}`, '/incidents']) {
      const res = await page.goto(`${server.url}${path}`);
      assert.equal(res.status(), 403, path);
      await page.getByRole('heading', { level: 1, name: 'Not allowed for your role' }).waitFor();
      assert.equal(await page.getByText(incident).count(), 0, `${path} does not name the incident`);
    }
    await page.goto(`${server.url}/incidents/${incident}`);
    await visited('volunteer', 'incident refused', `/incidents/${incident}`, { narrow: false });
  });

  it('tells the checkpoint officer which tracing request a child in transit may be, then records the referral', async () => {
    const page = await loginAs('checkpoint');
    await page.getByRole('link', { name: 'Log a child in transit' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Log a child in transit' }).waitFor();
    await page.getByLabel(/^Date/).fill(today());
    await page.getByRole('textbox', { name: 'Checkpoint' }).fill('Srirampur border gate');
    await page.getByLabel('District', { exact: true }).fill('Kokrajhar');
    await page.getByLabel("Child's first name").fill(sought.first);
    if (sought.last) await page.getByLabel("Child's last name").fill(sought.last);
    await page.getByLabel(/^Child's sex/).selectOption({ label: sought.sex });
    await page.getByLabel("Child's age").fill(sought.age);
    await page.getByLabel('Origin district').fill(sought.district);
    await page.getByLabel('Destination district or state').fill('Delhi');
    await page.getByLabel('Stated purpose').selectOption({ label: 'Work' });
    await page.getByLabel(/^Without a guardian, or with a non-relative/).selectOption({ label: 'Yes' });
    await page.getByLabel(/^The child does not know the destination or the job/).selectOption({ label: 'Yes' });
    await visited('checkpoint', 'checkpoint log form', '/checkpoint-logs/new');
    await page.getByRole('button', { name: 'Save' }).last().click();
    await page.getByText('Saved.').waitFor();
    log = (await page.locator('.meta strong').innerText()).trim();
    assert.match(log, /^CP-/);

    const screening = page.locator('#assessment');
    await screening.getByRole('heading', { name: 'Screening of this child' }).waitFor();
    assert.match(await screening.getAttribute('class'), /\balert\b/);
    const concern = screening.locator('ul.matches li', { hasText: sought.ref });
    assert.equal(await concern.count(), 1, `the screening names ${sought.ref}: ${await screening.innerText()}`);
    assert.match(await concern.innerText(), /Tracing request/);
    assert.match(await concern.innerText(), /Next step: hold the child for verification and call the tracing team quoting this reference/);
    // The officer may not open tracing requests: the reference is text, not a link.
    assert.equal(await concern.getByRole('link').count(), 0);
    assert.ok(Number(await screening.locator('dl.pairs dd').first().innerText()) > 0, 'the risk score is shown');
    await screenshot(page, 'checkpoint-screening');
    await visited('checkpoint', 'checkpoint log page', `/checkpoint-logs/${log}`);

    // What happened to the child: referred to the Child Welfare Committee.
    await page.getByLabel(/^Outcome/).selectOption('referred_cwc');
    await page.getByLabel(/^Note/).fill('Handed to the CWC member on duty at Kokrajhar.');
    await page.locator('#assessment').getByRole('button', { name: 'Save' }).click();
    await page.locator('#status-outcome').waitFor({ state: 'detached' });
    const meta = await page.locator('.head .meta').innerText();
    assert.doesNotMatch(meta, /Open$/, `the log is no longer open: ${meta}`);
    assert.match(meta, /Referred/i, `the outcome is the log's status: ${meta}`);
    await checkPage(page, 'checkpoint log with its outcome');
  });

  it('withholds small counts from the analyst', async () => {
    const page = await loginAs('analyst');
    await page.getByRole('link', { name: 'Recruitment analysis' }).first().click();
    await page.waitForURL((u) => u.pathname === '/analysis/recruitment');
    await page.getByRole('heading', { level: 1, name: 'Who recruits and why' }).waitFor();
    await page.getByText(/Counts under 11 are withheld/).waitFor();
    assert.ok((await page.getByRole('cell', { name: 'fewer than 11', exact: true }).count()) > 0, 'small counts are withheld');
    await screenshot(page, 'recruitment-analysis', false);
    await visited('analyst', 'recruitment analysis', '/analysis/recruitment');
  });

  it('lists the overdue home visits for the supervisor', async () => {
    const { page } = users.supervisor;
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Overdue home visits' }).first().click();
    await page.waitForURL((u) => u.pathname === '/households/overdue-visits');
    await page.getByRole('heading', { level: 1, name: 'Overdue home visits' }).waitFor();
    const rows = page.locator('tbody tr');
    assert.ok((await rows.count()) > 0, 'the demo has overdue visits');
    await rows.first().getByRole('link', { name: /^HH-/ }).waitFor();
    await visited('supervisor', 'overdue home visits', '/households/overdue-visits');
  });

  it('fits a 360 px wide screen', async () => {
    for (const [username, paths] of Object.entries(narrowPaths)) {
      const narrow = await browser.newContext({ storageState: users[username].state, viewport: { width: 360, height: 740 } });
      const p = await narrow.newPage();
      try {
        for (const path of paths) {
          await p.goto(`${server.url}${path}`);
          const width = await p.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(width <= 360, `${path} (${username}) is ${width} px wide at 360 px`);
        }
      } finally {
        await narrow.close();
      }
    }
  });
});
