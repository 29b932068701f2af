// The two other acceptance paths in the browser (docs/contract.md §17, docs/portal.md): tolerant acceptance
// (容缺受理) at the window and the applicant's supply; a commitment (告知承诺) on the application and the
// window's verification that finds it false.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { api, browserSuite, codesOf, codesShown, settled, shot, signIn, startPortal, visit, watchedPage } from './harness.mjs';

const suite = browserSuite('portal-paths-');


const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
// The Chinese UI names every code of the two paths (states, events, commands, results, methods, reasons).
async function noCodes(page, base) {
  assert.deepEqual(await codesShown(page, await codesOf(base, 'demo-clerk')), [], `codes shown on ${page.url()}`);
}
const caseOf = (base, id) => api(base, 'demo-clerk', 'GET', '/api/cases/' + encodeURIComponent(id));

/** Submits the form of `selector` on the case page and waits for the page to show the case again. */
async function submitOn(page, selector) {
  const events = await page.locator('.timeline li').count();
  // A banner left from before would pass for this command's answer.
  await page.evaluate(() => { const f = document.getElementById('flash'); f.hidden = true; f.textContent = ''; });
  await page.locator(`${selector} button`).click();
  await page.waitForFunction((n) => document.querySelectorAll('.timeline li').length > n
    || (!document.getElementById('flash').hidden && !document.getElementById('flash').classList.contains('ok')), events);
  await settled(page);
}

const AD_FACTS = { area_m2: 24, height_m: 6, on_roof: false, building_storeys: 5, term_months: 36, electronic_screen: false };

test('tolerant acceptance at the window lists exactly the tolerable items missing, and the applicant supplies them', async () => {
  const base = await startPortal(suite.portals, suite.work, 'tolerance', '--clock', '2026-12-01T09:00:00+08:00');
  // The billboard company applies with everything but the renderings (a tolerable item).
  const needed = (await api(base, 'demo-adv', 'POST', '/api/precheck', { permit: 'outdoor_advertising', facts: AD_FACTS, materials: [] }))
    .items.map((i) => i.material);
  assert.ok(needed.includes('rendering'));
  const materials = needed.filter((m) => m !== 'rendering').map((id) => ({ id, format: 'pdf', expires_on: '2030-12-31' }));
  const submitted = await api(base, 'demo-adv', 'POST', '/api/applications', { permit: 'outdoor_advertising', facts: AD_FACTS, materials });
  const id = submitted.id;

  const page = await watchedPage(suite.context);
  await signIn(page, base, 'demo-clerk');
  await visit(page, '#/case/' + encodeURIComponent(id));
  // The plain acceptance and the tolerant one; the tolerant form names exactly the missing tolerable item.
  assert.equal(await page.locator('form[data-command="accept"]:not([data-variant])').count(), 1);
  assert.deepEqual(await page.locator('#tolerance-form li[data-material]').evaluateAll((ls) => ls.map((l) => l.dataset.material)), ['rendering']);
  assert.match(await page.textContent('#tolerance-form'), /设置效果图/);
  await noCodes(page, base);

  // A supply date after the promised decision due (10 working days from 2026-12-01: 2026-12-15) is refused,
  // and the case stays as it was.
  await page.fill('#tolerance-form input[name=supply_by]', '2026-12-16');
  await page.provoke(() => submitOn(page, '#tolerance-form'));
  assert.equal(await page.getAttribute('#flash', 'data-status'), 'rule_violation');
  const unchanged = await caseOf(base, id);
  assert.equal(unchanged.state, 'submitted');
  assert.equal(unchanged.version, submitted.version);

  // On the due itself it is accepted; the applicant's signed text is shown and its digest recorded.
  await visit(page, '#/case/' + encodeURIComponent(id));
  await page.fill('#tolerance-form input[name=supply_by]', '2026-12-15');
  await page.waitForFunction(() => document.getElementById('tolerance-text').textContent.includes('2026年12月15日'));
  await page.waitForFunction(() => /^[0-9a-f]{64}$/.test(document.getElementById('tolerance-hash').textContent));
  const text = await page.textContent('#tolerance-text');
  const hash = await page.textContent('#tolerance-hash');
  assert.equal(hash, sha256(text));
  assert.match(text, /滨海星光广告传媒有限公司承诺，在2026年12月15日前/);
  await submitOn(page, '#tolerance-form');
  assert.equal(await page.getAttribute('#case-state', 'data-state'), 'under_review');
  assert.equal(await page.getAttribute('#tolerance', 'data-pending'), 'true');
  const accepted = await caseOf(base, id);
  assert.deepEqual(accepted.tolerance.items, ['rendering']);
  assert.equal(accepted.tolerance.supply_by, '2026-12-15');
  assert.equal(accepted.tolerance.pending, true);
  assert.equal(accepted.tolerance.commitment.text_sha256, hash);
  assert.equal(accepted.tolerance.commitment.signed_by, '滨海星光广告传媒有限公司');
  // The window's follow-up page lists it among the pending supplies.
  await visit(page, '#/verification');
  assert.equal(await page.locator(`#tolerance-pending tr[data-case="${id}"]`).count(), 1);
  await noCodes(page, base);
  await shot(page, '6-tolerance-pending');
  await page.finish();

  // The applicant brings the renderings from its own case page.
  const applicant = await watchedPage(suite.context);
  await signIn(applicant, base, 'demo-adv');
  await visit(applicant, '#/case/' + encodeURIComponent(id));
  assert.deepEqual(await applicant.locator('form[data-command="supply"] input[name=material]').evaluateAll((is) => is.map((i) => i.value)), ['rendering']);
  await submitOn(applicant, 'form[data-command="supply"]');
  assert.equal(await applicant.getAttribute('#tolerance', 'data-pending'), 'false');
  assert.equal(await applicant.locator('.timeline li[data-event="supplied"]').count(), 1);
  await shot(applicant, '6-tolerance-supplied');
  await noCodes(applicant, base);
  const supplied = await caseOf(base, id);
  assert.equal(supplied.tolerance.pending, false);
  assert.deepEqual(supplied.tolerance.outstanding, []);
  assert.equal(supplied.state, 'under_review');
  await applicant.finish();
});

test('a commitment on the application, decided on, and a verification that finds it false', async () => {
  const base = await startPortal(suite.portals, suite.work, 'commitment', '--clock', '2026-12-01T09:00:00+08:00');
  const page = await watchedPage(suite.context);
  await signIn(page, base, 'demo-adv');
  // A billboard on a roof: the building owners' consent may be replaced by a commitment.
  await visit(page, '#/new');
  await page.selectOption('#app-form select[name=permit]', 'outdoor_advertising');
  await page.fill('#app-form textarea[name=facts]', JSON.stringify({ ...AD_FACTS, on_roof: true }));
  const ids = await page.locator('#app-form input[name=material]').evaluateAll((is) => is.map((i) => i.value));
  for (const m of ids) if (!['building_owner_consent', 'screen_operation_plan'].includes(m)) await page.check(`#app-form input[name=material][value="${m}"]`);
  await page.click('#precheck');
  await page.waitForSelector('#commitment input[name=commit]');
  assert.deepEqual(await page.locator('#commitment input[name=commit]').evaluateAll((is) => is.map((i) => i.value)), ['building_owner_consent']);
  await page.check('#commitment input[name=commit][value="building_owner_consent"]');
  await page.waitForFunction(() => /^[0-9a-f]{64}$/.test(document.getElementById('commitment-hash').textContent));
  const text = await page.textContent('#commitment-text');
  const hash = await page.textContent('#commitment-hash');
  assert.equal(hash, sha256(text));
  assert.match(text, /建筑物业主（业主委员会）同意设置证明/);
  await shot(page, '6-commitment-application');
  await page.click('#submit-app');
  await page.waitForFunction(() => location.hash.startsWith('#/case/'));
  await settled(page);
  const id = decodeURIComponent((await page.evaluate(() => location.hash)).slice('#/case/'.length));
  const filed = await caseOf(base, id);
  assert.deepEqual(filed.commitment.items, ['building_owner_consent']);
  assert.equal(filed.commitment.text_sha256, hash);
  assert.equal(filed.commitment.signed_by, '滨海星光广告传媒有限公司');
  assert.equal(await page.locator('#commitment').count(), 1);
  await page.finish();

  // The window accepts (nothing is deficient: the commitment covers the consent), inspects, and the head
  // approves on the commitment: the verification clock opens.
  const exec = (who, body) => api(base, who, 'POST', `/api/cases/${encodeURIComponent(id)}/commands`, body);
  await exec('demo-clerk', { type: 'accept' });
  await exec('demo-clerk', { type: 'record_inspection', inspectors: ['执法-张伟', '执法-刘洋'], findings: '现场与申请一致' });
  const decided = await exec('demo-head', { type: 'decide', outcome: 'approved' });
  assert.equal(decided.state, 'approved');
  assert.ok(decided.deadlines.verification && decided.deadlines.verification.due, 'the verification clock runs');

  // The supervisor's weekly dashboard lists it among the commitments still to verify.
  const sup = await watchedPage(suite.context);
  await signIn(sup, base, 'demo-supervisor');
  await visit(sup, '#/dashboard');
  const open = sup.locator(`#week-verification-open tr[data-case="${id}"]`);
  assert.equal(await open.count(), 1);
  assert.match(await open.textContent(), /建筑物业主（业主委员会）同意设置证明/);
  assert.equal(await sup.locator(`#week-false-commitments tr[data-case="${id}"]`).count(), 0);
  await noCodes(sup, base);

  // The clerk finds it in the verification queue and records that the commitment was false.
  const clerk = await watchedPage(suite.context);
  await signIn(clerk, base, 'demo-clerk');
  await visit(clerk, '#/verification');
  const row = clerk.locator(`#verification-open tr[data-case="${id}"]`);
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /建筑物业主（业主委员会）同意设置证明/);
  await shot(clerk, '6-verification-queue');
  await noCodes(clerk, base);
  await row.locator('a').click();
  await settled(clerk);
  const form = clerk.locator('form[data-command="record_verification"]');
  await form.locator('select[name=result]').selectOption('false');
  await form.locator('select[name=method]').selectOption('document_check');
  await form.locator('input[name=note]').fill('业主委员会书面答复未同意设置');
  await submitOn(clerk, 'form[data-command="record_verification"]');
  assert.equal(await clerk.getAttribute('#case-state', 'data-state'), 'revoked');
  assert.equal(await clerk.getAttribute('#verification-result', 'data-result'), 'false');
  assert.equal(await clerk.locator('#credit-flagged').count(), 1);
  assert.equal(await clerk.locator('.timeline li[data-event="credit_flagged"]').count(), 1);
  await shot(clerk, '6-verification-false');
  await noCodes(clerk, base);
  const revoked = await caseOf(base, id);
  assert.equal(revoked.state, 'revoked');
  assert.equal(revoked.verification.result, 'false');
  assert.equal(revoked.credit_flagged, true);
  // Recorded once: the queue no longer lists it.
  await visit(clerk, '#/verification');
  assert.equal(await clerk.locator(`#verification-open tr[data-case="${id}"]`).count(), 0);
  await clerk.finish();
  // On the dashboard it moves from the commitments to verify to the false ones found this week.
  await visit(sup, '#/dashboard');
  const found = sup.locator(`#week-false-commitments tr[data-case="${id}"]`);
  assert.equal(await found.count(), 1);
  assert.match(await found.textContent(), /建筑物业主（业主委员会）同意设置证明/);
  assert.equal(await sup.locator(`#week-verification-open tr[data-case="${id}"]`).count(), 0);
  await shot(sup, '6-dashboard-commitments');
  await noCodes(sup, base);
  await sup.finish();
});
