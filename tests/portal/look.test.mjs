// Every page of every demo role, in Chinese and in English, looked at as a person would: no console error, no
// uncaught error, no error banner, and no contract code among the words shown (harness.mjs codesShown).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, DEMO_LOGINS, api, browserSuite, codesOf, codesShown, settled, shot, signIn, startPortal, visit, watchedPage } from './harness.mjs';

const suite = browserSuite('portal-look-');

test('every page of every role, in Chinese and English, shows no code, no error and no stray banner', async (t) => {
  const base = await startPortal(suite.portals, suite.work, 'look', '--seed-demo', '--clock', '2026-11-30T08:30:00+08:00');
  // A few timers fire, so the dashboard has yellow and red cases and suspensions to name.
  await api(base, 'demo-supervisor', 'POST', '/api/run-due', { now: '2026-12-03T09:00:00+08:00' });
  const started = Date.now();
  const codes = await codesOf(base, 'demo-clerk');
  const users = DEMO_LOGINS.map((login) => ({ token: login }));
  // The check itself finds each code the Chinese UI once showed (a complaint state among the counts, a
  // suspension reason, a list of departments, an opinion, the dispatcher's backlog as a unit).
  const probe = await suite.context.newPage();
  await probe.setContent(`<html lang="zh"><body><p>received 3</p><p>中止原因 expert_review</p>
    <p>责任部门 municipal_roads,traffic_police</p><p>approve — 同意</p><td>dispatcher</td><p>undefined Error:</p></body></html>`);
  assert.deepEqual(await codesShown(probe, codes),
                   ['approve', 'dispatcher', 'expert_review', 'municipal_roads', 'received', 'traffic_police', 'undefined']);
  await probe.close();
  const findings = [];
  const zhTexts = [];  // [who, hash, text] of every page looked at in Chinese
  let visited = 0;
  const page = await watchedPage(suite.context);
  for (const lang of ['zh', 'en']) {
    for (const user of users) {
      await page.goto(base + '/#/signin');
      await page.evaluate((l) => localStorage.setItem('pf.lang', l), lang);
      await signIn(page, base, user.token);
      const look = async () => {
        visited += 1;
        const hash = await page.evaluate(() => location.hash);
        for (const code of await codesShown(page, codes)) findings.push(`${lang} ${user.token} ${hash}: ${code}`);
        if (lang === 'zh') zhTexts.push([user.token, hash, await page.evaluate(() => document.body.innerText)]);
      };
      await look();
      const hrefs = await page.locator('#nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      const byState = new Map();
      for (const href of hrefs) {
        await visit(page, href);
        await look();
        for (const [id, state] of await page.locator('tr.row[data-case]').evaluateAll(
          (rows) => rows.map((r) => [r.dataset.case, r.dataset.state]))) {
          if (!byState.has(state)) byState.set(state, id);
        }
      }
      for (const id of byState.values()) {
        await visit(page, '#/case/' + encodeURIComponent(id));
        await look();
        const docs = await page.locator('a.print-notice, #print-certificate').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        for (const href of docs) { await visit(page, href); await look(); }
      }
      if (lang === 'zh' && ['demo-clerk', 'demo-supervisor'].includes(user.token)) {
        await visit(page, user.token === 'demo-clerk' ? '#/queue' : '#/dashboard');
        await shot(page, `5-look-${user.token}`);
      }
    }
  }
  writeFileSync(path.join(ARTIFACTS, '5-look-findings.txt'), findings.join('\n') + '\n');
  t.diagnostic(`${visited} pages looked at by ${users.length} users in two languages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.ok(visited > 100, `${visited} pages looked at`);
  assert.deepEqual(findings, [], 'contract codes shown to a person');
  // The pages looked at hold the places where codes were once shown, now named: the supervisor's dashboard
  // (complaint counts by state, a suspension reason, an overdue case of two departments, the information
  // clerk's backlog in the per-unit table) and a case page with the departments' opinions.
  const shown = (who, hash, text) => zhTexts.some(([w, h, x]) => w === who && h.startsWith(hash) && x.includes(text));
  for (const text of ['各状态案件数', '专家评审', '市政工程行政主管部门、公安机关交通管理部门', '待派遣（信息员）']) {
    assert.ok(shown('demo-supervisor', '#/dashboard', text), `the dashboard shows ${text}`);
  }
  assert.ok(zhTexts.some(([w, h, x]) => w === 'demo-clerk' && h.startsWith('#/case/') && /会签意见[\s\S]*同意/.test(x)),
            'a case page shows an opinion by name');
  await page.finish();
});

test('the clerk\'s queue pages and searches, with counts per state', async () => {
  const base = await startPortal(suite.portals, suite.work, 'queue', '--seed-demo', '--clock', '2026-11-30T08:30:00+08:00');
  // More cases than one page holds: six more applications at the window.
  for (let i = 1; i <= 6; ++i) {
    await api(base, 'demo-clerk', 'POST', '/api/applications', {
      permit: 'road_excavation', applicant: { id: `9132092200000000${i}X`, name: `滨海第${i}建设工程有限公司` }, materials: [],
      facts: { road_opened_on: '2012-05-01', road_overhauled_on: null, planned_start: '2027-01-10', planned_end: '2027-01-30',
               on_carriageway: false, emergency: false, protection_exception_approved: false } });
  }
  const all = [];
  for (let after = ''; ;) {
    const pageOf = await api(base, 'demo-clerk', 'GET', '/api/cases?kind=permit&limit=200' + (after ? '&after=' + after : ''));
    all.push(...pageOf.cases);
    if (!pageOf.next) break;
    after = pageOf.next;
  }
  const page = await watchedPage(suite.context);
  await signIn(page, base, 'demo-clerk');
  await visit(page, '#/queue');
  // Counts per state: each state's count is the number of cases in it.
  const counts = Object.fromEntries(await page.locator('#state-counts [data-state-count]').evaluateAll(
    (as) => as.map((a) => [a.dataset.stateCount, Number(a.dataset.count)])));
  const want = {};
  for (const c of all) want[c.state] = (want[c.state] || 0) + 1;
  assert.deepEqual(counts, want);
  // One page of 20 at most, and the pager reaches the rest.
  const pageSize = 20;
  assert.equal(await page.locator('tr.row').count(), Math.min(pageSize, all.length));
  assert.ok(all.length > pageSize, 'the demo has more cases than one page');
  await page.click('#pager a[data-page="2"]');
  await settled(page);
  assert.equal(await page.locator('tr.row').count(), Math.min(pageSize, all.length - pageSize));
  const seen = new Set(await page.locator('tr.row').evaluateAll((rs) => rs.map((r) => r.dataset.case)));
  assert.ok(all.slice(pageSize, 2 * pageSize).every((c) => seen.has(c.id)), 'page 2 holds the 21st to 40th case by id');
  // A state from the counts.
  await page.click('#state-counts [data-state-count="under_review"]');
  await settled(page);
  const underReview = all.filter((c) => c.state === 'under_review');
  assert.equal(await page.locator('tr.row').count(), Math.min(pageSize, underReview.length));
  assert.ok((await page.locator('tr.row').evaluateAll((rs) => rs.map((r) => r.dataset.state))).every((s) => s === 'under_review'));
  // By case number (any part of it) and by applicant (name or credit code).
  const target = all[all.length - 1];
  await visit(page, '#/queue');
  await page.fill('#filters input[name=q]', target.id.slice(-9));
  await page.press('#filters input[name=q]', 'Enter');
  await settled(page);
  assert.deepEqual(await page.locator('tr.row').evaluateAll((rs) => rs.map((r) => r.dataset.case)),
                   all.filter((c) => c.id.includes(target.id.slice(-9))).map((c) => c.id));
  const name = all.find((c) => c.applicant.name.includes('广告')).applicant.name;
  await page.fill('#filters input[name=q]', name.slice(2, 6));
  await page.press('#filters input[name=q]', 'Enter');
  await settled(page);
  const byName = all.filter((c) => c.applicant.name.includes(name.slice(2, 6)));
  assert.equal(await page.locator('tr.row').count(), Math.min(pageSize, byName.length));
  assert.equal(await page.textContent('#result-count'), String(byName.length));
  // A light.
  await visit(page, '#/queue?light=green');
  const green = all.filter((c) => Object.values(c.deadlines || {}).some((d) => d && d.light === 'green'));
  assert.ok(green.length > 0);
  assert.ok((await page.locator('tr.row').evaluateAll((rs) => rs.map((r) => r.dataset.light))).every((l) => l === 'green'));
  await shot(page, '5-queue-search');
  await page.finish();
});
