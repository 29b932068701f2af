// Browser tests of the portal UI: a real portal process, Debian's chromium headless, driven by
// playwright-core. Screenshots and PDFs go to build/portal-artifacts/ (PORTAL_ARTIFACTS overrides).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, browserSuite, printAndMeasure, sessionOf, shot, signIn, startPortal as start, watchedPage } from './harness.mjs';

const suite = browserSuite('portal-browser-');
const startPortal = (name, ...extra) => start(suite.portals, suite.work, name, ...extra);

// The complaint roles' home is the complaints queue: wait for it to render, so its late answer cannot
// overwrite the page opened next.
async function signInToComplaints(page, base, token) {
  await signIn(page, base, token);
  await page.waitForSelector('#complaints');
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

test('an incomplete road excavation: one-time notice, resubmission, co-approval, decision, certificate', async () => {
  const base = await startPortal('flow', '--clock', '2026-12-01T09:00:00+08:00');
  const page = await watchedPage(suite.context);
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
  // The columns fit their content: no number and no problem wraps (a one-character-wide column would).
  const wrapped = await page.locator('#notice table.items td:is(:nth-child(1), :nth-child(3))').evaluateAll((tds) => tds.filter((td) => {
    const r = document.createRange();
    r.selectNodeContents(td);
    return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1;
  }).map((td) => td.textContent));
  assert.deepEqual(wrapped, [], 'cells of the notice that wrap');
  const noticeNames = await page.locator('#notice table.items td:nth-child(2)').allTextContents();
  await printAndMeasure(page, '1-one-time-notice', ['补正材料一次性告知书', '滨海华润燃气有限公司', ...noticeNames, '申请人签收']);

  // The applicant resubmits what the notice named, after reading it among its messages (消息).
  await signIn(page, base, 'demo-gas');
  await page.goto(base + '/#/inbox');
  const message = page.locator(`#inbox tr.row[data-case="${caseId}"]`).first();
  await message.waitFor();
  assert.match(await message.textContent(), /一次性告知补正/);
  assert.match(await message.textContent(), /补正/);
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
    // The review screen loads after sign-in: wait for the case to appear in it.
    await page.locator(`tr.row[data-case="${caseId}"]`).first().waitFor({ timeout: 15000 });
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
  const c = await api(base, 'demo-clerk', 'GET', '/api/cases/' + encodeURIComponent(caseId));
  const defs = await api(base, 'demo-clerk', 'GET', '/api/definitions');
  assert.equal(await page.textContent('#certificate h1'), '挖掘城市道路许可证');
  assert.equal(await page.textContent('#certificate-number'), c.certificate.number);
  assert.equal(await page.textContent('#certificate-holder'), '滨海华润燃气有限公司');
  // The definition's certificate facts, in its order, and no other fact.
  assert.deepEqual(await page.locator('#certificate tr[data-fact]').evaluateAll((rs) => rs.map((r) => r.dataset.fact)),
                   defs.road_excavation.certificate_facts);
  assert.deepEqual(defs.road_excavation.certificate_facts, ['planned_start', 'planned_end', 'on_carriageway']);
  const rows = await page.locator('#certificate tr th').allTextContents();
  assert.deepEqual(rows, ['被许可人', '统一社会信用代码', '许可事项', '计划开工日期', '计划完工日期', '是否挖掘机动车道', '有效期', '许可条件']);
  assert.match(await page.textContent('#certificate-conditions'), /同意/);
  await shot(page, '1-certificate');
  await printAndMeasure(page, '1-certificate', ['挖掘城市道路许可证', c.certificate.number, '滨海华润燃气有限公司', '91320922MA1GAS001X',
    '2027年1月30日', '行政审批', '2026年12月1日', '许可条件']);
  const history = await api(base, 'demo-clerk', 'GET', `/api/cases/${encodeURIComponent(caseId)}/history`);
  assert.deepEqual(history.map((e) => e.type), ['submitted', 'correction_requested', 'resubmitted', 'accepted',
    'inspection_recorded', 'opinion_recorded', 'opinion_recorded', 'decided', 'certificate_issued']);
  await page.finish();
});

test('a case turns red after run_due', async () => {
  const base = await startPortal('red', '--clock', '2026-12-01T09:00:00+08:00');
  const page = await watchedPage(suite.context);
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
  // Reads answered slowly while the supervisor moves on must not end in an error banner (a read answered after
  // the page changed is dropped, never shown as an error).
  const slowReads = (url) => url.pathname === '/api/me' || url.pathname === '/api/report';
  await page.route(slowReads, async (r) => {
    await new Promise((done) => setTimeout(done, 700));
    await r.continue();
  });
  await page.click('#run-due');
  await page.waitForSelector('#flash.ok');
  assert.match(await page.textContent('#flash'), /[1-9]\d* /);
  await page.goto(base + '/#/dashboard?week=2026-12-16');
  await page.waitForTimeout(1000);
  await page.unroute(slowReads);
  await page.waitForSelector(`#late tr.row[data-case="${caseId}"]`);
  assert.match(await page.textContent(`#late tr.row[data-case="${caseId}"]`), /红灯/);
  assert.equal(await page.getAttribute('#light-chart rect.bar.red[data-permit="outdoor_advertising"]', 'data-count'), '1');
  // The feed's delivery: the newest record number counts every event so far; no consumer reads it yet.
  assert.ok(Number(await page.textContent('#feed-lag dd')) > 0);
  assert.match(await page.textContent('#feed-lag'), /暂无订阅方/);
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
  await page.finish();
});

test('a reviewer cannot act for another department', async () => {
  const base = await startPortal('seeded', '--seed-demo', '--clock', '2026-11-30T08:30:00+08:00');
  const open = await api(base, 'demo-clerk', 'GET', '/api/cases?permit=road_excavation&state=under_review&awaiting_department=municipal_roads');
  const target = open.cases.find((c) => c.opinions.traffic_police === null);
  assert.ok(target, 'the demo has a road case awaiting both departments');
  const billboard = (await api(base, 'demo-clerk', 'GET', '/api/cases?permit=outdoor_advertising')).cases[0];

  const page = await watchedPage(suite.context);
  await signIn(page, base, 'demo-police');
  await page.waitForSelector('tr.row');
  const permits = await page.locator('tr.row').evaluateAll((rows) => rows.map((r) => r.children[2].textContent));
  assert.ok(permits.length > 0 && permits.every((p) => !p.includes('户外广告')), 'only co-approved permits are listed');
  await shot(page, '3-review-queue');

  await page.goto(base + '/#/case/' + encodeURIComponent(target.id));
  await page.waitForSelector('#case-state');
  await page.provoke(() => command(page, 'record_opinion', (f) => f.locator('[name=department]').selectOption('municipal_roads')));
  assert.equal(await page.getAttribute('#flash', 'data-status'), 'permission_denied');
  assert.match(await page.textContent('#flash'), /403/);
  await shot(page, '3-denied');
  const after = await api(base, 'demo-clerk', 'GET', '/api/cases/' + encodeURIComponent(target.id));
  assert.equal(after.opinions.municipal_roads, null);
  assert.equal(after.version, target.version);

  // A case its department does not co-approve is not shown at all.
  await page.provoke(async () => {
    await page.goto(base + '/#/case/' + encodeURIComponent(billboard.id));
    await page.waitForSelector('#flash:not([hidden])');
  });
  assert.match(await page.textContent('#flash'), /403/);

  // Its own department's opinion goes through.
  await page.goto(base + '/#/case/' + encodeURIComponent(target.id));
  await page.waitForSelector('#case-state');
  await command(page, 'record_opinion');
  const done = await api(base, 'demo-clerk', 'GET', '/api/cases/' + encodeURIComponent(target.id));
  assert.equal(done.opinions.traffic_police.opinion, 'approve');

  // The seeded queue, for the artifacts.
  await signIn(page, base, 'demo-clerk');
  await page.waitForSelector('#queue tr.row');
  await shot(page, '3-seeded-clerk-queue');
  await page.finish();
});

// A complaint (城管快速服务, docs/complaints.md) through the UI: resident → dispatcher → handler → dispatcher →
// resident, with what the case page shows at each step.
test('a complaint: reported, registered, dispatched, handled, replied, checked, closed, rated', async () => {
  const base = await startPortal('complaint', '--clock', '2026-12-01T09:00:00+08:00');
  const page = await watchedPage(suite.context);
  const moveClock = (now) => api(base, 'demo-supervisor', 'POST', '/api/run-due', { now });
  const openCase = async (id) => {
    await page.goto(base + '/#/case/' + encodeURIComponent(id));
    await page.waitForSelector('#case-state');
  };
  const signInTo = (token) => signInToComplaints(page, base, token);
  const heading = () => page.textContent('h1');
  const offered = () => page.locator('form[data-command]').evaluateAll((fs) => fs.map((f) => f.dataset.command).sort());

  // Tue 09:00: the resident reports exposed garbage from the portal (4 working hours: due 15:00 today).
  await signInTo('demo-resident');
  await page.goto(base + '/#/report');
  await page.selectOption('select[name=category]', 'exposed_garbage');
  assert.match(await page.textContent('#category-limit'), /4/);
  await page.fill('textarea[name=description]', '小区门口垃圾堆积无人清运');
  await page.fill('input[name=location]', '幸福路88号');
  await page.click('#submit-report');
  await page.waitForSelector('#case-state');
  const id = decodeURIComponent(page.url().split('#/case/')[1]);
  assert.equal(await stateOf(page), 'received');
  assert.match(await heading(), /已受理 · 暴露垃圾/);
  assert.equal((await page.textContent('[data-clock=handling] .due')).trim(), '2026-12-01 15:00');
  assert.match(await page.textContent('[data-clock=handling]'), /绿灯/);
  assert.match(await page.textContent('#complaint-details'), /网站/);  // source: portal
  assert.deepEqual(await offered(), []);
  // it is in the resident's own list
  await page.goto(base + '/#/complaints');
  await page.waitForSelector(`tr[data-case="${id}"]`);

  // The dispatcher registers it (verified on site) and dispatches it to the unit of the table.
  await moveClock('2026-12-01T09:10:00+08:00');
  await signInTo('demo-dispatcher');
  await openCase(id);
  assert.deepEqual(await offered(), ['register']);
  await command(page, 'register');
  assert.equal(await stateOf(page), 'registered');
  assert.deepEqual(await offered(), ['dispatch']);
  assert.equal(await page.locator('form[data-command=dispatch] select[name=unit]').inputValue(), 'sanitation');
  await command(page, 'dispatch');
  assert.equal(await stateOf(page), 'dispatched');
  assert.match(await heading(), /已派遣/);
  assert.equal(await page.getAttribute('#case-unit', 'data-unit'), 'sanitation');
  assert.deepEqual(await offered(), ['escalate', 'extend']);
  await shot(page, '4-complaint-dispatched');

  // A handler of another unit does not see it.
  await signInTo('demo-enforcement');
  await page.provoke(async () => {
    await page.goto(base + '/#/case/' + encodeURIComponent(id));
    await page.waitForSelector('#flash:not([hidden])');
  });
  assert.match(await page.textContent('#flash'), /403/);

  // The sanitation office handles it and replies in time.
  await moveClock('2026-12-01T10:00:00+08:00');
  await signInTo('demo-sanitation');
  await page.waitForSelector(`tr[data-case="${id}"]`);  // in its unit's queue
  await openCase(id);
  assert.deepEqual(await offered(), ['escalate', 'return', 'start_handling']);
  await command(page, 'start_handling');
  assert.equal(await stateOf(page), 'handling');
  assert.match(await heading(), /处置中/);
  await moveClock('2026-12-01T11:30:00+08:00');
  await openCase(id);
  await command(page, 'reply', (f) => f.locator('[name=reply]').fill('已安排清运，现场已清理干净'));
  assert.equal(await stateOf(page), 'replied');
  assert.match(await page.textContent('[data-clock=handling]'), /已完成/);  // light: met
  assert.equal((await page.textContent('[data-clock=handling] .due')).trim(), '2026-12-01 15:00');

  // The dispatcher checks it on site and closes it.
  await moveClock('2026-12-01T14:30:00+08:00');
  await signInTo('demo-dispatcher');
  await openCase(id);
  assert.deepEqual(await offered(), ['check']);
  await command(page, 'check', (f) => f.locator('[name=note]').fill('现场核查已清理'));
  assert.equal(await stateOf(page), 'checked');
  await command(page, 'close');
  assert.equal(await stateOf(page), 'closed');
  assert.match(await heading(), /已办结/);

  // The resident rates it.
  await moveClock('2026-12-01T18:00:00+08:00');
  await signInTo('demo-resident');
  await openCase(id);
  assert.deepEqual(await offered(), ['rate']);
  await command(page, 'rate', async (f) => {
    await f.locator('[name=rating]').selectOption('5');
    await f.locator('[name=comment]').fill('处理及时');
  });
  assert.equal(await stateOf(page), 'rated');
  assert.match(await heading(), /已评价/);
  assert.match(await page.textContent('#case-rating'), /5\/5/);
  assert.match(await page.textContent('#case-reply'), /已安排清运/);
  assert.deepEqual(await offered(), []);
  const events = await page.locator('.timeline li').evaluateAll((ls) => ls.map((l) => l.dataset.event));
  assert.deepEqual(events, ['submitted', 'registered', 'dispatched', 'handling_started', 'replied', 'checked', 'closed', 'rated']);
  await shot(page, '4-complaint-rated');
  await page.finish();
});

test('the seeded complaints: queues by role and the dashboard counts', async () => {
  const base = await startPortal('complaint-seed', '--seed-demo', '--clock', '2026-11-30T08:30:00+08:00');
  const page = await watchedPage(suite.context);
  const signInTo = (token) => signInToComplaints(page, base, token);
  await signIn(page, base, 'demo-supervisor');
  await page.goto(base + '/#/dashboard');
  await page.waitForSelector('#complaint-states');
  const escalated = Number(await page.textContent('[data-complaint-state=escalated]'));
  assert.equal(escalated, 1);
  assert.ok(Number(await page.getAttribute('#complaint-units tr[data-unit=sanitation] [data-overdue]', 'data-overdue')) >= 1);
  await shot(page, '4-dashboard-complaints');
  // a leader is offered the deputy on the escalated case
  await signInTo('demo-leader');
  await page.locator('section[data-state=escalated] tr.row a').first().click();
  await page.waitForSelector('#case-state');
  assert.equal(await stateOf(page), 'escalated');
  assert.ok(await page.locator('form[data-command=assign_deputy]').count() === 1);
  assert.match(await page.textContent('[data-clock=review]'), /领导督办时限/);
  await page.finish();
});

// A page whose data arrives late must not overwrite the page the user opened after it (app.js StaleView).
test('a slow queue answer does not overwrite the case page opened after it', async () => {
  const base = await startPortal('stale', '--seed-demo', '--clock', '2026-11-30T08:30:00+08:00');
  const target = (await api(base, 'demo-clerk', 'GET', '/api/cases?permit=road_excavation')).cases[0];
  const page = await watchedPage(suite.context);
  await signIn(page, base, 'demo-clerk');
  await page.waitForSelector('#queue tr.row');
  let delayed = 0;
  let asked;
  const queueAsked = new Promise((r) => { asked = r; });
  await page.route((url) => url.pathname === '/api/cases', async (route) => {
    delayed += 1;
    asked();
    await new Promise((r) => setTimeout(r, 1500));
    // The page may have cancelled the read when it left the queue (app.js leaveView); then there is nothing to answer.
    await route.continue().catch(() => {});
  });
  await page.evaluate(() => { location.hash = '#/queue?state=under_review'; });
  await queueAsked;  // the queue's read is in flight when the user opens the case
  await page.evaluate((id) => { location.hash = '#/case/' + encodeURIComponent(id); }, target.id);
  await page.waitForSelector('#case-state');
  await page.waitForTimeout(2500);  // the queue's answer has come back by now
  assert.ok(delayed >= 1, 'the queue asked for its cases');
  assert.equal(await page.locator('#case-state').count(), 1, 'the case page is still shown');
  assert.equal(await page.locator('#queue').count(), 0, 'the late queue was not rendered');
  await page.finish();
});

// Documents (docs/portal.md): the applicant uploads its PDFs by hash and submits; the clerk opens one from the
// case page, served inline from the case's download URL; a firm that may not see the case gets 403.
test('the clerk opens an uploaded PDF from the case page', async () => {
  const { createHash } = await import('node:crypto');
  const base = await startPortal('documents', '--clock', '2026-12-01T09:00:00+08:00');
  const facts = { road_opened_on: '2012-05-01', road_overhauled_on: null, planned_start: '2027-01-10',
                  planned_end: '2027-01-30', on_carriageway: true, emergency: false, protection_exception_approved: false };
  const notice = await api(base, 'demo-gas', 'POST', '/api/precheck', { permit: 'road_excavation', facts, materials: [] });
  const s = await sessionOf(base, 'demo-gas');
  const materials = [];
  for (const item of notice.items.filter((i) => !i.material.startsWith('fact:'))) {
    const bytes = Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${item.material}\n%%EOF\n`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const res = await fetch(`${base}/api/documents/${sha256}`, { method: 'PUT', body: bytes,
                                                                 headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf } });
    assert.equal(res.status, 201, await res.text());
    materials.push({ id: item.material, format: 'pdf', expires_on: '2030-12-31', sha256, bytes });
  }
  const c = await api(base, 'demo-gas', 'POST', '/api/applications',
                      { permit: 'road_excavation', facts, materials: materials.map(({ bytes, ...m }) => m) });

  const page = await suite.context.newPage();
  await signIn(page, base, 'demo-clerk');
  await page.goto(base + '/#/case/' + encodeURIComponent(c.id));
  await page.waitForSelector('a.doc-link');
  assert.equal(await page.locator('a.doc-link').count(), materials.length);
  const first = materials[0];
  const link = page.locator(`a.doc-link[data-material="${first.id}"]`);
  assert.equal(await link.getAttribute('data-format'), 'pdf');
  assert.equal(await link.getAttribute('download'), null, 'a PDF opens inline, it is not a download');
  await shot(page, '6-case-documents');
  // Opening it: the browser asks the case's download URL with the clerk's session and gets the PDF inline.
  const answered = suite.context.waitForEvent('response', (r) => r.url().includes('/documents/' + first.sha256));
  const opened = suite.context.waitForEvent('page');
  await link.click();
  const res = await answered;
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['content-type'], 'application/pdf');
  assert.match(res.headers()['content-disposition'], /^inline; filename="[a-z_]+\.pdf"$/);
  // Chromium shows it in its own PDF viewer, in the tab the link opened.
  const viewer = await opened;
  await viewer.waitForURL((u) => u.pathname.endsWith('/documents/' + first.sha256));
  // The bytes behind it are the uploaded ones.
  const served = await page.evaluate(async (u) => (await fetch(u)).text(), res.url());
  assert.equal(served, first.bytes.toString());
  for (const p of suite.context.pages()) if (p !== page) await p.close();
  // Another firm may not read it, not even by its URL.
  const other = await sessionOf(base, 'demo-adv');
  const denied = await fetch(base + new URL(res.url()).pathname, { headers: { Cookie: other.cookie } });
  assert.equal(denied.status, 403);
  await page.close();
});
