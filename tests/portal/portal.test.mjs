// Browser tests of the portal UI: a real portal process, Debian's chromium headless, driven by
// playwright-core. Screenshots and PDFs go to build/portal-artifacts/ (PORTAL_ARTIFACTS overrides).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const PORTAL = process.env.PORTAL_BIN || path.join(root, 'build/release/examples/portal/portal');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = process.env.PORTAL_ARTIFACTS || path.join(root, 'build/portal-artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

const work = mkdtempSync(path.join(tmpdir(), 'portal-browser-'));
const portals = [];
let context;

/** Starts a portal on a free port over a fresh database; resolves to its base URL. */
function startPortal(name, ...extra) {
  const proc = spawn(PORTAL, ['--db', path.join(work, name + '.db'), '--port', '0', ...extra],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
  portals.push(proc);
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s]+)\//);
      if (m) { proc.stdout.off('data', onData); proc.stdout.resume(); resolve(m[1]); }
    };
    proc.stdout.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`portal exited ${code}: ${err}`)));
  });
}

async function api(base, token, method, p, body) {
  const res = await fetch(base + p, { method, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
                                      body: body === undefined ? undefined : JSON.stringify(body) });
  const doc = await res.json();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(doc)}`);
  return doc;
}

async function signIn(page, base, token) {
  await page.goto(base + '/#/signin');
  if (await page.locator('#signout').isVisible()) await page.click('#signout');
  await page.click(`[data-token="${token}"]`);
  await page.waitForFunction(() => !location.hash.startsWith('#/signin'));
  await page.waitForSelector('#me:not(:empty)');
}

async function stateOf(page) {
  return page.getAttribute('#case-state', 'data-state');
}

async function command(page, type, fill) {
  const form = page.locator(`form[data-command="${type}"]`);
  if (fill) await fill(form);
  const version = await page.locator('.timeline li').count();
  await form.locator('button').click();
  // The page re-renders from the server after the command: wait for a new timeline entry or an error.
  await page.waitForFunction((n) => document.querySelectorAll('.timeline li').length > n
                                    || !document.getElementById('flash').classList.contains('ok') && !document.getElementById('flash').hidden,
                             version);
}

const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, name + '.png'), fullPage: true });

before(async () => {
  // A fresh profile, no network chatter: the flags the brief of docs/portal.md lists.
  context = await chromium.launchPersistentContext(path.join(work, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
});

after(async () => {
  if (context) await context.close();
  for (const p of portals) p.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

test('an incomplete road excavation: one-time notice, resubmission, co-approval, decision, certificate', async () => {
  const base = await startPortal('flow', '--clock', '2026-12-01T09:00:00+08:00');
  const page = await context.newPage();
  await signIn(page, base, 'demo-clerk');

  // The clerk receives the application with only the application form.
  await page.goto(base + '/#/new');
  await page.selectOption('select[name=permit]', 'road_excavation');
  await page.check('input[name=material][value=application_form]');
  await page.click('#precheck');
  await page.waitForSelector('#precheck-result li');
  const deficiencies = await page.locator('#precheck-result li').count();
  assert.ok(deficiencies >= 3, `precheck lists ${deficiencies} deficiencies`);
  await page.click('#submit-app');
  await page.waitForSelector('#case-state');
  const caseId = decodeURIComponent(page.url().split('#/case/')[1]);
  assert.equal(await stateOf(page), 'submitted');

  // One-time notice, printed on A4.
  await command(page, 'request_correction');
  assert.equal(await stateOf(page), 'awaiting_correction');
  await page.click('a.print-notice');
  await page.waitForSelector('#notice');
  assert.match(await page.textContent('#notice h1'), /一次性告知书/);
  assert.equal(await page.locator('#notice table tr').count() - 1, deficiencies);
  await shot(page, '1-one-time-notice');
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: path.join(ARTIFACTS, '1-one-time-notice.pdf'), format: 'A4', printBackground: true });
  await page.emulateMedia({ media: 'screen' });

  // The applicant resubmits what the notice named.
  await signIn(page, base, 'demo-gas');
  await page.goto(base + '/#/case/' + encodeURIComponent(caseId));
  await page.waitForSelector('#case-state');
  await command(page, 'resubmit');
  assert.equal(await stateOf(page), 'submitted');

  await signIn(page, base, 'demo-clerk');
  await page.goto(base + '/#/case/' + encodeURIComponent(caseId));
  await page.waitForSelector('#case-state');
  await command(page, 'accept');
  assert.equal(await stateOf(page), 'under_review');
  await command(page, 'record_inspection');

  // Both departments approve, each for itself.
  for (const token of ['demo-roads', 'demo-police']) {
    await signIn(page, base, token);
    const waiting = await page.locator(`tr.row[data-case="${caseId}"]`).count();
    assert.ok(waiting >= 1, `${token} sees the case in its queue`);
    await page.goto(base + '/#/case/' + encodeURIComponent(caseId));
    await page.waitForSelector('#case-state');
    await command(page, 'record_opinion', (f) => f.locator('[name=comment]').fill('同意'));
  }
  assert.equal(await page.locator('#opinions li', { hasText: '待出具' }).count(), 0);

  // The head decides; the window issues the certificate.
  await signIn(page, base, 'demo-head');
  await page.goto(base + '/#/head');
  await page.waitForSelector(`tr.row[data-case="${caseId}"]`);
  await page.goto(base + '/#/case/' + encodeURIComponent(caseId));
  await page.waitForSelector('#case-state');
  await command(page, 'decide');
  assert.equal(await stateOf(page), 'approved');

  await signIn(page, base, 'demo-clerk');
  await page.goto(base + '/#/case/' + encodeURIComponent(caseId));
  await page.waitForSelector('#case-state');
  await command(page, 'issue_certificate');
  assert.equal(await stateOf(page), 'issued');
  await shot(page, '1-case-issued');
  await page.click('#print-certificate');
  await page.waitForSelector('#certificate');
  const certText = await page.textContent('#certificate');
  const c = await api(base, 'demo-clerk', 'GET', '/api/cases/' + encodeURIComponent(caseId));
  assert.ok(certText.includes(c.certificate.number) && certText.includes('滨海华润燃气有限公司'));
  await shot(page, '1-certificate');
  await page.pdf({ path: path.join(ARTIFACTS, '1-certificate.pdf'), format: 'A4', printBackground: true });
  const history = await api(base, 'demo-clerk', 'GET', `/api/cases/${encodeURIComponent(caseId)}/history`);
  assert.deepEqual(history.map((e) => e.type), ['submitted', 'correction_requested', 'resubmitted', 'accepted',
    'inspection_recorded', 'opinion_recorded', 'opinion_recorded', 'decided', 'certificate_issued']);
  await page.close();
});

test('a case turns red after run_due', async () => {
  const base = await startPortal('red', '--clock', '2026-12-01T09:00:00+08:00');
  const page = await context.newPage();
  // The applicant submits a complete billboard application from the UI.
  await signIn(page, base, 'demo-adv');
  await page.goto(base + '/#/new');
  await page.selectOption('select[name=permit]', 'outdoor_advertising');
  for (;;) {
    await page.click('#precheck');
    await page.waitForSelector('#precheck-result :is(li, .tag)');
    if (await page.locator('#precheck-result .tag').count()) break;
    // tick what the precheck asks for, by name
    const asked = await page.locator('#precheck-result li').allTextContents();
    const boxes = page.locator('input[name=material]:not(:checked)');
    let ticked = 0;
    for (let i = await boxes.count() - 1; i >= 0; --i) {
      const label = await boxes.nth(i).locator('xpath=..').textContent();
      if (asked.some((a) => a.startsWith(label.trim()))) { await boxes.nth(i).check(); ticked++; }
    }
    assert.ok(ticked > 0, 'the precheck names materials the form offers');
    await page.evaluate(() => { document.getElementById('precheck-result').innerHTML = ''; });
  }
  await page.click('#submit-app');
  await page.waitForSelector('#case-state');
  const caseId = decodeURIComponent(page.url().split('#/case/')[1]);

  await signIn(page, base, 'demo-clerk');
  await page.goto(base + '/#/case/' + encodeURIComponent(caseId));
  await page.waitForSelector('#case-state');
  await command(page, 'accept');
  await page.goto(base + '/#/queue');
  const row = page.locator(`tr.row[data-case="${caseId}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-light'), 'green');

  // The supervision office moves the test clock past the promised due and runs the timers.
  await signIn(page, base, 'demo-supervisor');
  await page.goto(base + '/#/dashboard');
  await page.fill('#run-due-now', '2026-12-16T09:00:00+08:00');
  await page.click('#run-due');
  await page.waitForSelector('#flash.ok');
  assert.match(await page.textContent('#flash'), /[1-9]\d* /);
  await page.goto(base + '/#/dashboard?week=2026-12-16');
  await page.waitForSelector(`#late tr.row[data-case="${caseId}"]`);
  assert.match(await page.textContent(`#late tr.row[data-case="${caseId}"]`), /红灯/);
  assert.equal(await page.getAttribute('#light-chart rect.bar.red[data-permit="outdoor_advertising"]', 'data-count'), '1');
  await shot(page, '2-dashboard');

  await signIn(page, base, 'demo-clerk');
  await page.goto(base + '/#/queue?light=red');
  await row.waitFor();
  assert.equal(await row.getAttribute('data-light'), 'red');
  assert.match(await row.locator('td.left').textContent(), /逾期/);
  // The English toggle.
  await page.click('#lang');
  await page.waitForFunction(() => document.querySelector('h1').textContent.includes('Window queue'));
  assert.match(await row.locator('td.left').textContent(), /overdue/);
  await shot(page, '2-queue-red-en');
  await page.click('#lang');
  await page.close();
});

test('a reviewer cannot act for another department', async () => {
  const base = await startPortal('seeded', '--seed-demo', '--clock', '2026-11-30T08:30:00+08:00');
  const open = await api(base, 'demo-clerk', 'GET', '/api/cases?permit=road_excavation&state=under_review&awaiting_department=municipal_roads');
  const target = open.cases.find((c) => c.opinions.traffic_police === null);
  assert.ok(target, 'the demo has a road case awaiting both departments');
  const billboard = (await api(base, 'demo-clerk', 'GET', '/api/cases?permit=outdoor_advertising')).cases[0];

  const page = await context.newPage();
  await signIn(page, base, 'demo-police');
  await page.waitForSelector('tr.row');
  const permits = await page.locator('tr.row').evaluateAll((rows) => rows.map((r) => r.children[2].textContent));
  assert.ok(permits.length > 0 && permits.every((p) => !p.includes('户外广告')), 'only co-approved permits are listed');
  await shot(page, '3-review-queue');

  await page.goto(base + '/#/case/' + encodeURIComponent(target.id));
  await page.waitForSelector('#case-state');
  await command(page, 'record_opinion', (f) => f.locator('[name=department]').selectOption('municipal_roads'));
  assert.match(await page.textContent('#flash'), /403 permission_denied/);
  await shot(page, '3-denied');
  const after = await api(base, 'demo-clerk', 'GET', '/api/cases/' + encodeURIComponent(target.id));
  assert.equal(after.opinions.municipal_roads, null);
  assert.equal(after.version, target.version);

  // A case its department does not co-approve is not shown at all.
  await page.goto(base + '/#/case/' + encodeURIComponent(billboard.id));
  await page.waitForSelector('#flash:not([hidden])');
  assert.match(await page.textContent('#flash'), /403/);

  // Its own department's opinion goes through.
  await page.goto(base + '/#/case/' + encodeURIComponent(target.id));
  await page.waitForSelector('#case-state');
  await command(page, 'record_opinion');
  const done = await api(base, 'demo-clerk', 'GET', '/api/cases/' + encodeURIComponent(target.id));
  assert.equal(done.opinions.traffic_police.opinion, 'approve');

  // The seeded queue, for the artifacts.
  await signIn(page, base, 'demo-clerk');
  await page.waitForSelector('section.state-group');
  await shot(page, '3-seeded-clerk-queue');
  await page.close();
});
