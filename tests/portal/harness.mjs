// What every browser test of the portal shares: the portal processes, the sign-in (one place, so a change of
// the sign-in changes here only), the pages that watch for errors, the look at what a person sees, and the
// check of printed documents. docs/portal.md describes what the tests assert.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { before, after } from 'node:test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
export const PORTAL = process.env.PORTAL_BIN || path.join(root, 'build/release/examples/portal/portal');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = process.env.PORTAL_ARTIFACTS || path.join(root, 'build/portal-artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

/**
 * A test file's browser and portals: Debian's chromium, headless, with a fresh profile and no network chatter,
 * launched once before the file's tests (`suite.context`); the portals it starts (`suite.portals`, over
 * databases in `suite.work`) are stopped and the directory removed after them.
 */
export function browserSuite(prefix) {
  const suite = { work: mkdtempSync(path.join(tmpdir(), prefix)), portals: [], context: null };
  before(async () => {
    suite.context = await chromium.launchPersistentContext(path.join(suite.work, 'profile'), {
      executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    if (suite.context) await suite.context.close();
    for (const p of suite.portals) p.kill('SIGTERM');
    rmSync(suite.work, { recursive: true, force: true });
  });
  return suite;
}

/** Starts a portal on a free port over a fresh database in `dir`; resolves to its base URL. */
export function startPortal(portals, dir, name, ...extra) {
  const proc = spawn(PORTAL, ['--db', path.join(dir, name + '.db'), '--port', '0', '--demo', ...extra],
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

// The demo users' password (docs/portal.md); the UI signs in with it like a person would.
export const DEMO_PASSWORD = 'permitflow-demo';
/** The demo users' logins, from the portal's built-in demo users file (no route lists them). */
export const DEMO_LOGINS = JSON.parse(readFileSync(path.join(root, 'examples/common/demo_cast.json'), 'utf8'))
  .users.map((u) => u.login);
const sessions = new Map();  // base + login -> { cookie, csrf }

/** A session of a demo user for direct API calls (signed in once per portal). */
export async function sessionOf(base, login) {
  if (!sessions.has(base + login)) {
    const res = await fetch(base + '/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                                   body: JSON.stringify({ login, password: DEMO_PASSWORD }) });
    const doc = await res.json();
    if (!res.ok) throw new Error(`sign-in of ${login}: ${res.status} ${JSON.stringify(doc)}`);
    sessions.set(base + login, { cookie: res.headers.get('set-cookie').split(';')[0], csrf: doc.csrf });
  }
  return sessions.get(base + login);
}

/** The JSON API as the demo user `who` (a demo login). */
export async function api(base, who, method, p, body) {
  const s = await sessionOf(base, who);
  const res = await fetch(base + p, { method, headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, 'Content-Type': 'application/json' },
                                      body: body === undefined ? undefined : JSON.stringify(body) });
  const doc = await res.json();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(doc)}`);
  return doc;
}

/** Signs the page in as the demo user `who` with its password and waits for its home page. The only sign-in
 *  of the tests. The session cookie is HttpOnly: no script on the page can read it. */
export async function signIn(page, base, who) {
  await page.goto(base + '/#/signin');
  // Wait until the page knows whether the browser still holds a session (then it shows that user's home page
  // and a sign-out button, which the bare page also shows before its script runs); sign that user out.
  await settled(page);
  const signout = page.locator('#signout');
  if (await signout.isVisible()) await signout.click();
  await page.waitForSelector('#signin-form input[name=login]', { state: 'visible' });
  await page.fill('#signin-form input[name=login]', who);
  await page.fill('#signin-form input[name=password]', DEMO_PASSWORD);
  await page.click('#signin-form button');
  await page.waitForFunction(() => !location.hash.startsWith('#/signin'));
  await page.waitForSelector('#me:not(:empty)');
  assert.equal(await page.evaluate(() => document.cookie), '');
  assert.match(await page.locator('#demo-mode').textContent(), /演示模式|DEMO MODE/);
  await settled(page);
}

/** Waits until the view of the current hash has been rendered (app.js marks #view with data-shown). */
export async function settled(page) {
  await page.waitForFunction(() => {
    const v = document.getElementById('view');
    return v && v.dataset.shown === location.hash && !v.dataset.loading;
  }, null, { timeout: 15000 });
}

/** Shows `hash` (re-rendering it when it is already shown) and waits for it. */
export async function visit(page, hash) {
  await page.evaluate((h) => {
    if (location.hash === h) window.route(); else location.hash = h;
  }, hash);
  await settled(page);
}

export const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, name + '.png'), fullPage: true });

// --- watching for what should never happen --------------------------------------------------------------
// Every page records console errors, uncaught errors and rejections, and every error banner (#flash without
// .ok) that appears, however briefly. A test that provokes one says so with page.provoke(); page.finish()
// fails on anything else.
export async function watchedPage(context) {
  const page = await context.newPage();
  const problems = [];
  let provoking = 0;
  page.on('console', (m) => {
    if (m.type() === 'error' && !provoking) problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.exposeBinding('__pfBanner', (_src, text) => {
    if (!provoking) problems.push(`error banner on ${page.url()}: ${text}`);
  });
  await page.addInitScript(() => {
    const watch = () => {
      const el = document.getElementById('flash');
      if (!el) return;
      let last = '';
      new MutationObserver(() => {
        const text = el.hidden || el.classList.contains('ok') ? '' : el.textContent.trim();
        if (text && text !== last) window.__pfBanner(text);
        last = text;
      }).observe(el, { attributes: true, childList: true, characterData: true, subtree: true });
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch); else watch();
  });
  /** Runs `fn`, which provokes an error (a refused command, a page the role may not see). */
  page.provoke = async (fn) => {
    provoking += 1;
    try { return await fn(); } finally {
      await page.waitForTimeout(200);  // console messages of the provoked request arrive after it
      provoking -= 1;
    }
  };
  page.problems = problems;
  page.finish = async () => {
    await page.close();
    assert.deepEqual(problems, [], 'console errors, uncaught errors or error banners the test did not provoke');
  };
  return page;
}

// --- what a person reads -----------------------------------------------------------------------------------
// Contract codes (docs/contract.md, docs/complaints.md) that must never reach a person in the Chinese UI as they
// are; the definitions' own ids (materials, facts, departments, units, categories) are added by codesOf().
const CONTRACT_CODES = `submitted awaiting_correction not_accepted under_review suspended approved denied issued withdrawn
  expired revoked closed received registered dispatched handling returned escalated replied checked rated reopened
  correction_requested resubmitted accepted acceptance_deemed rejected opinion_recorded inspection_recorded resumed
  extended decided certificate_issued completion_reported deadline_warning deadline_overdue suspension_overrun
  correction_lapsed permit_expiring permit_expired renewal_deemed deadlines_recomputed handling_started
  deputy_assigned check_failed
  accept request_correction reject withdraw resubmit record_opinion record_inspection suspend resume extend decide
  issue_certificate report_completion close revoke register dispatch return start_handling escalate assign_deputy
  reply check rate
  applicant clerk reviewer head supervisor reporter dispatcher handler leader
  approve deny green yellow red stopped met missing invalid_format condition_required invalid_content
  hearing tender auction examination testing quarantine appraisal expert_review public_notice
  portal hotline wechat window patrol referral acceptance_notice correction decision issuance review
  protected_road emergency_filing_late roof_prohibited term_exceeds_maximum renewal_late
  invalid_argument not_found invalid_state permission_denied conflict rule_violation storage internal unauthorized
  terminated supplied verification_recorded credit_flagged supply record_verification tolerance commitment
  verification confirmed exempt document_check site_inspection data_sharing tolerance_lapsed false_commitment
  serious_bad_credit false_commitment_on_record
  undefined null true false nan error pdf ofd jpg png`.split(/\s+/).filter(Boolean);

/** The codes the Chinese UI must not show: the contract's and the definitions' ids. */
export async function codesOf(base, who) {
  const defs = await api(base, who, 'GET', '/api/definitions');
  const cats = await api(base, who, 'GET', '/api/categories');
  const codes = new Set(CONTRACT_CODES);
  for (const [id, d] of Object.entries(defs)) {
    codes.add(id);
    for (const m of d.materials) codes.add(m.id);
    for (const f of d.facts) codes.add(f.name);
    for (const x of d.co_approving) codes.add(x.id);
    for (const r of d.suspension_reasons) codes.add(r);
  }
  for (const [id, c] of Object.entries(cats)) { codes.add(id); codes.add(c.unit.id); }
  return codes;
}

/**
 * Looks at the page as a person would: in the Chinese UI no visible word may be a contract code (lower-case
 * ASCII with underscores, or one of `codes`); in English no word with underscores. Returns the findings.
 */
export async function codesShown(page, codes) {
  const { text, lang } = await page.evaluate(() => ({ text: document.body.innerText, lang: document.documentElement.lang }));
  const found = new Set();
  for (const m of text.matchAll(/(?<![A-Za-z0-9_.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_])/g)) found.add(m[0]);
  if (lang !== 'en') {
    for (const m of text.matchAll(/(?<![A-Za-z0-9_.@/-])[a-z]+(?![A-Za-z0-9_])/g)) if (codes.has(m[0])) found.add(m[0]);
  }
  return [...found].sort();
}

// --- printed documents -------------------------------------------------------------------------------------
const MM = 72 / 25.4;  // PDF points per millimetre

function pgm(file) {
  const buf = readFileSync(file);
  const head = buf.toString('latin1', 0, 64).match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  assert.ok(head, `${file} is a binary PGM`);
  return { w: Number(head[1]), h: Number(head[2]), data: buf.subarray(head[0].length) };
}

/**
 * Prints the page to an A4 PDF as Chromium does, renders it with poppler (pdftoppm) to PNGs kept as artifacts,
 * and measures it: one page, the ink inside the page with at least `margin` mm on every side (nothing clipped),
 * and every string of `texts` in the PDF's text (nothing cut off). Returns the measurements.
 */
export async function printAndMeasure(page, name, texts, margin = 10) {
  const pdf = path.join(ARTIFACTS, name + '.pdf');
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
  await page.emulateMedia({ media: 'screen' });
  const info = execFileSync('pdfinfo', [pdf]).toString();
  const pages = Number(info.match(/Pages:\s+(\d+)/)[1]);
  const [, pw, ph] = info.match(/Page size:\s+([\d.]+) x ([\d.]+) pts/).map(Number);
  assert.ok(Math.abs(pw - 210 * MM) < 2 && Math.abs(ph - 297 * MM) < 2, `${name}: A4 pages (${pw} x ${ph} pt)`);
  execFileSync('pdftoppm', ['-r', '100', '-png', pdf, path.join(ARTIFACTS, name + '-pdf')]);
  const dpi = 50;
  const stem = path.join(ARTIFACTS, name + '-gray');
  execFileSync('pdftoppm', ['-r', String(dpi), '-gray', '-f', '1', '-l', '1', pdf, stem]);
  const gray = pgm(`${stem}-1.pgm`);
  let x0 = gray.w, y0 = gray.h, x1 = -1, y1 = -1;
  for (let y = 0; y < gray.h; ++y) {
    for (let x = 0; x < gray.w; ++x) {
      if (gray.data[y * gray.w + x] < 200) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    }
  }
  const px = 25.4 / dpi;  // millimetres per pixel
  const box = { left: x0 * px, right: (gray.w - 1 - x1) * px, top: y0 * px, bottom: (gray.h - 1 - y1) * px };
  const text = execFileSync('pdftotext', ['-raw', pdf, '-']).toString();
  const flat = text.replace(/\s+/g, '');
  const measured = { pages, margins_mm: Object.fromEntries(Object.entries(box).map(([k, v]) => [k, Math.round(v)])),
                     missing: texts.filter((s) => !flat.includes(s.replace(/\s+/g, ''))) };
  writeFileSync(path.join(ARTIFACTS, name + '-measure.json'), JSON.stringify(measured, null, 2));
  assert.equal(pages, 1, `${name} prints on one A4 page (${JSON.stringify(measured)})`);
  for (const [side, mm] of Object.entries(box)) assert.ok(mm >= margin, `${name}: ${mm.toFixed(1)} mm of margin ${side} (at least ${margin})`);
  assert.deepEqual(measured.missing, [], `${name}: every text is printed`);
  return { measured, text };
}
