// The one-stop window's UI: plain JavaScript over the portal's HTTP API (docs/portal.md).
// Routes live in the URL hash (#/queue, #/case/ID, ...). The session is an HttpOnly cookie this script cannot
// read; state-changing requests carry the session's CSRF token (from /api/login or /api/me) in X-CSRF-Token.
'use strict';

const STATE = { csrf: '', demo: false, me: null, defs: null,
                lang: localStorage.getItem('pf.lang') || 'zh' };

// --- words ----------------------------------------------------------------------------------------
const WORDS = {
  brand: ['县城市管理局 · 一站式服务窗口', 'County Urban Management Bureau · One-stop window'],
  signout: ['退出', 'Sign out'], signin: ['登录', 'Sign in'], login: ['用户名', 'User name'],
  password: ['密码', 'Password'], demo_mode: ['演示模式', 'DEMO MODE'],
  demo_hint: ['演示模式：演示用户（demo-clerk、demo-gas、demo-resident 等）的密码见 docs/portal.md',
              'Demo mode: the demo users (demo-clerk, demo-gas, demo-resident, ...) share the password in docs/portal.md'],
  queue: ['窗口受理', 'Window queue'], review: ['部门会签', 'Department review'],
  head: ['局长审批', 'Head'], dashboard: ['督查周报', 'Supervision'], mine: ['我的申请', 'My applications'],
  new_application: ['收件登记', 'New application'],
  all: ['全部', 'All'], permit: ['许可事项', 'Permit'], light: ['信号灯', 'Light'], state: ['状态', 'State'],
  case_no: ['案件编号', 'Case'], applicant: ['申请人', 'Applicant'], due: ['到期日', 'Due'],
  days_left: ['剩余工作日', 'Working days left'], received_on: ['收件日期', 'Received'],
  accepted_on: ['受理日期', 'Accepted'], facts: ['申请事实', 'Facts'], materials: ['申请材料', 'Materials'],
  timeline: ['办理过程', 'Timeline'], clocks: ['法定时限', 'Legal clocks'], actions: ['可办理操作', 'Actions'],
  opinions: ['会签意见', 'Department opinions'], notices: ['一次性告知', 'One-time notices'],
  flags: ['提示', 'Flags'], none: ['无', 'none'], pending: ['待出具', 'pending'],
  print_notice: ['打印一次性告知书', 'Print the one-time notice'],
  print_certificate: ['打印许可证', 'Print the certificate'], print: ['打印', 'Print'], back: ['返回', 'Back'],
  working_days: ['个工作日', ' working days'], overdue: ['已逾期', 'overdue'], today: ['今日到期', 'due today'],
  no_cases: ['暂无案件', 'No cases'], awaiting_mine: ['待本部门出具意见', 'Awaiting my department'],
  ready_to_decide: ['待决定', 'Ready to decide'], in_review: ['审查中', 'Under review'],
  week: ['周次', 'Week'], counts: ['本周数量', 'This week'], late_cases: ['黄灯、红灯案件', 'Yellow and red cases'],
  responsible: ['责任部门', 'Responsible'], days_late: ['逾期工作日', 'Working days late'],
  suspended_cases: ['中止计时案件', 'Suspended cases'], handling: ['办理用时（工作日）', 'Handling time (working days)'],
  download_csv: ['下载CSV', 'Download CSV'], run_due: ['运行到期计时', 'Run due timers'],
  chart_title: ['各事项黄灯/红灯案件数', 'Yellow / red cases by permit'], now: ['当前时间', 'Now'],
  precheck: ['预审', 'Pre-check'], submit: ['提交收件', 'Submit'], complete: ['材料齐全', 'Complete'],
  deficiencies: ['需补正材料', 'Deficiencies'], applicant_id: ['申请人统一社会信用代码', 'Applicant id'],
  applicant_name: ['申请人名称', 'Applicant name'], fired: ['已触发', 'fired'],
  statutory: ['法定', 'statutory'], promised: ['承诺', 'promised'], extended: ['已延期', 'extended'],
  certificate: ['许可证', 'Certificate'], decision: ['决定', 'Decision'], verify: ['账本校验', 'Ledger check'],
  received: ['收件', 'received'], accepted: ['受理', 'accepted'], decided: ['决定', 'decided'],
  issued: ['发证', 'issued'], mean: ['平均', 'mean'], p90: ['90分位', 'p90'], limit: ['承诺时限', 'promised limit'],
  over: ['超时', 'over'], reason: ['理由', 'Reason'], comment: ['意见说明', 'Comment'], department: ['部门', 'Department'],
  not_visible: ['无权查看此案件', 'You may not see this case'],
  complaints: ['城管快速服务', 'Complaints'], category: ['类别', 'Category'], unit: ['承办单位', 'Unit'],
  reporter: ['反映人', 'Reporter'], unresolved: ['未办结', 'Unresolved'], by_unit: ['各单位', 'By unit'],
  report_problem: ['我要反映', 'Report a problem'], my_reports: ['我的反映', 'My reports'],
  inbox: ['消息', 'Messages'], no_messages: ['暂无消息', 'No messages'], channel: ['渠道', 'Channel'],
  message: ['内容', 'Message'], event: ['事项', 'Event'],
  feed: ['数据推送', 'Feed delivery'], feed_head: ['最新记录号', 'Newest record'],
  feed_pruned: ['已清理至', 'Pruned up to'], consumer: ['订阅方', 'Consumer'], cursor: ['已确认至', 'Acknowledged up to'],
  lag: ['积压条数', 'Behind by'], no_consumers: ['暂无订阅方', 'No consumer yet'],
  description: ['问题描述', 'Description'], location: ['地点', 'Location'], source: ['来源', 'Source'],
  withheld: ['不予显示', 'withheld'], reporter_id: ['反映人编号', 'Reporter id'], reporter_name: ['反映人姓名', 'Reporter name'],
  responsible_unit: ['责任单位（派遣表）', 'Responsible unit (table)'], received_at: ['受理时间', 'Received'],
  reply: ['答复内容', 'Reply'], rating: ['评价', 'Rating'], deputy: ['督办领导', 'Supervising deputy'],
  returned_by: ['退回单位', 'Returned by'], escalation: ['上报理由', 'Escalation'], note: ['说明', 'Note'],
  verified: ['已现场核实', 'Verified on site'], reasons: ['退回理由', 'Reasons'], instructions: ['督办要求', 'Instructions'],
  passed: ['核查通过', 'passed'], failed: ['核查不通过', 'failed'], working_hours: ['个工作时', ' working hours'],
  complaint_states: ['各状态案件数', 'Complaints by state'], late_by_unit: ['各单位超时情况', 'Late by unit'],
  open: ['在办', 'open'], reopened_times: ['重新办理次数', 'Reopened'], complaint: ['快速服务', 'Complaint'],
  count: ['件数', 'Cases'], search: ['查询', 'Search'], search_hint: ['案件编号或申请人', 'Case number or applicant'],
  page: ['页', 'Page'], shown: ['条结果', 'results'], details: ['详情', 'Details'], system: ['系统计时', 'the system clock'],
  undispatched: ['待派遣（信息员）', 'Not yet dispatched (information clerk)'],
  holder: ['被许可人', 'Holder'], credit_code: ['统一社会信用代码', 'Unified social credit code'],
  validity: ['有效期', 'Valid'], permit_no: ['许可证号', 'Certificate number'], conditions: ['许可条件', 'Conditions'],
  long_term: ['长期', 'no end'], format: ['格式', 'Format'], expires: ['有效期至', 'expires'],
  inspectors: ['勘查人员', 'Inspectors'], findings: ['勘查结论', 'Findings'], expected_wd: ['预计工作日', 'Expected WD'],
  notice_doc: ['告知书', 'Notice'], extend_wd: ['延长工作日', 'Working days'], yes: ['是', 'yes'], no: ['否', 'no'],
  the_window: ['受理窗口', 'the window'],
  // tolerant acceptance (容缺受理) and acceptance on commitment (告知承诺), docs/contract.md §17
  accept_tolerant: ['容缺受理', 'Accept with tolerance'], tolerance: ['容缺受理', 'Tolerant acceptance'],
  tolerated_items: ['容缺材料', 'Tolerated items'], supply_by: ['承诺补齐日期', 'Supply by'],
  outstanding: ['尚未补齐', 'Still to supply'], supplied_on: ['补齐日期', 'Supplied on'],
  signed_by: ['承诺人', 'Signed by'], signed_at: ['签署时间', 'Signed at'], commitment_text: ['承诺书', 'Commitment'],
  text_hash: ['承诺书摘要（SHA-256）', 'Text digest (SHA-256)'], commitment: ['告知承诺', 'Commitment'],
  commit_items: ['以承诺代替下列材料', 'Replace these materials by a commitment'],
  committed_items: ['承诺代替的材料', 'Materials replaced by the commitment'],
  no_tolerance: ['不能容缺受理', 'Tolerant acceptance not possible'],
  not_tolerable: ['下列材料不可容缺，须补正后受理', 'These items are not tolerable and must be in order first'],
  credit_gate: ['信用记录不允许容缺受理或告知承诺', 'The credit record closes tolerance and commitment'],
  verification: ['承诺核查', 'Commitment check'], verification_queue: ['承诺核查', 'Verification'],
  verification_open: ['待核查的告知承诺', 'Commitments to verify'], tolerance_pending: ['待补齐的容缺材料', 'Tolerated items pending'],
  result: ['核查结果', 'Result'], method: ['核查方式', 'Method'], recorded_on: ['核查日期', 'Recorded on'],
  credit_flagged: ['已推送失信信息', 'Credit record flagged'], end_reason: ['终结原因', 'Ended because'],
  pending_supply: ['待补齐', 'pending'], complete_supply: ['已补齐', 'complete'],
  tolerance_week: ['容缺受理与告知承诺', 'Tolerance and commitments'],
  tolerance_lapsed: ['本周容缺逾期终止', 'Terminated this week: tolerated items not supplied'],
  false_commitments: ['本周查实承诺不实', 'False commitments found this week'], terminated_on: ['终止日期', 'Terminated on'],
};
const STATES = {
  submitted: ['已收件', 'submitted'], awaiting_correction: ['待补正', 'awaiting correction'],
  not_accepted: ['不予受理', 'not accepted'], under_review: ['审查中', 'under review'],
  suspended: ['中止计时', 'suspended'], approved: ['准予许可', 'approved'], denied: ['不予许可', 'denied'],
  issued: ['已发证', 'issued'], withdrawn: ['已撤回', 'withdrawn'], expired: ['已到期', 'expired'],
  revoked: ['已撤销', 'revoked'], closed: ['已办结', 'closed'],
  // complaints (docs/complaints.md)
  received: ['已受理', 'received'], registered: ['已立案', 'registered'], dispatched: ['已派遣', 'dispatched'],
  handling: ['处置中', 'handling'], returned: ['已退回', 'returned'], escalated: ['领导督办', 'escalated'],
  replied: ['已答复', 'replied'], checked: ['已核查', 'checked'], rated: ['已评价', 'rated'],
  reopened: ['重新办理', 'reopened'],
  terminated: ['终止', 'terminated'],
};
const LIGHTS = { green: ['绿灯', 'green'], yellow: ['黄灯', 'yellow'], red: ['红灯', 'red'],
                 stopped: ['暂停', 'stopped'], met: ['已完成', 'met'] };
const CLOCKS = { acceptance_notice: ['受理审查（5个工作日）', 'Acceptance check (5 WD)'],
                 correction: ['补正期限', 'Correction period'], decision: ['审批决定', 'Decision'],
                 issuance: ['制证发证（10个工作日）', 'Issuance (10 WD)'],
                 handling: ['处置时限', 'Handling limit'], review: ['领导督办时限', 'Leadership review'],
                 return: ['退回期限', 'Return window'], decision_statutory: ['法定审批时限', 'Statutory decision limit'],
                 tolerance: ['容缺补齐期限', 'Supply period'], verification: ['承诺核查时限', 'Verification limit'] };
const VERIFY_RESULTS = { confirmed: ['承诺属实', 'confirmed'], false: ['承诺不实', 'false'], exempt: ['免于核查', 'exempt'] };
const VERIFY_METHODS = { document_check: ['书面核查', 'document check'], site_inspection: ['现场核查', 'site inspection'],
                         data_sharing: ['数据共享核查', 'data sharing'] };
// Why a case ended, where the engine names it (end_reason, a revocation's or termination's reason).
const END_REASONS = { tolerance_lapsed: ['容缺材料逾期未补齐', 'tolerated items not supplied in time'],
                      false_commitment: ['承诺不实', 'false commitment'] };
// The credit system's facts any permit application may carry (the host brings them).
const CREDIT_FACTS = { serious_bad_credit: ['严重失信主体', 'serious bad credit'],
                       false_commitment_on_record: ['有虚假承诺记录', 'false commitment on record'] };
const PROBLEMS = { missing: ['缺少', 'missing'], expired: ['已过期', 'expired'],
                   invalid_format: ['格式不符', 'wrong format'], condition_required: ['依条件需提交', 'required by a fact'],
                   invalid_content: ['内容不符', 'invalid content'] };
const OPINIONS = { approve: ['同意', 'approve'], deny: ['不同意', 'deny'] };
const OUTCOMES = { approved: ['准予许可', 'approved'], denied: ['不予许可', 'denied'] };
// Art 45 of the Administrative Licensing Law, and what a definition adds (public_notice for billboards).
const REASONS = { hearing: ['听证', 'hearing'], tender: ['招标', 'tender'], auction: ['拍卖', 'auction'],
                  examination: ['考试', 'examination'], testing: ['检验、检测', 'testing'], quarantine: ['检疫', 'quarantine'],
                  appraisal: ['鉴定', 'appraisal'], expert_review: ['专家评审', 'expert review'], public_notice: ['公示', 'public notice'] };
const FLAGS = { protected_road: ['道路保护期内', 'road in its protection period'],
                emergency_filing_late: ['抢修补办逾期', 'emergency filing late'], roof_prohibited: ['禁止在屋顶设置', 'roof not allowed'],
                term_exceeds_maximum: ['设置期限超过上限', 'term exceeds the maximum'], renewal_late: ['延续申请逾期', 'renewal filed late'] };
const STATUSES = { invalid_argument: ['填写有误', 'Invalid input'], not_found: ['未找到', 'Not found'],
                   invalid_state: ['当前状态不能办理此操作', 'Not possible in this state'], permission_denied: ['无权办理', 'Permission denied'],
                   conflict: ['案件已被他人更新，请刷新后重试', 'Changed by someone else; reload and retry'],
                   rule_violation: ['不符合法定条件', 'Against the rules'], storage: ['数据库暂时不可用', 'Storage unavailable'],
                   internal: ['系统内部错误', 'Internal error'], unauthorized: ['请重新登录', 'Please sign in again'],
                   payload_too_large: ['提交内容过大', 'Too large'], failed: ['操作失败', 'Failed'] };
const VEHICLE_KEYS = { plate: ['车牌号', 'plate'], enclosed: ['密闭运输', 'enclosed'], recorder: ['行驶记录仪', 'recorder'] };
const ROLES = { applicant: ['申请人', 'applicant'], clerk: ['窗口工作人员', 'window clerk'],
                reviewer: ['会签部门审查员', 'department reviewer'], head: ['局长', 'head'],
                supervisor: ['督查科', 'supervision office'], reporter: ['反映人', 'reporter'],
                dispatcher: ['信息员', 'information clerk'], handler: ['承办单位', 'handling unit'],
                leader: ['分管领导', 'leader'] };
const CHANNELS = { sms: ['短信', 'text message'], wechat: ['微信', 'WeChat'], inbox: ['站内消息', 'portal message'] };
const SOURCES = { portal: ['网站', 'portal'], hotline: ['12345热线', '12345 hotline'], wechat: ['微信', 'WeChat'],
                  window: ['窗口', 'window'], patrol: ['巡查', 'patrol'], referral: ['上级交办', 'referral'] };
const EVENTS = {
  submitted: ['收件', 'received'], correction_requested: ['一次性告知补正', 'one-time correction notice'],
  resubmitted: ['补正材料', 'supplements received'], accepted: ['受理', 'accepted'],
  acceptance_deemed: ['逾期未告知，视为受理', 'deemed accepted'], rejected: ['不予受理', 'not accepted'],
  withdrawn: ['撤回', 'withdrawn'], opinion_recorded: ['会签意见', 'department opinion'],
  inspection_recorded: ['现场勘查', 'site inspection'], suspended: ['中止计时', 'clock stopped'],
  resumed: ['恢复计时', 'clock resumed'], extended: ['延期', 'extended'], decided: ['决定', 'decision'],
  certificate_issued: ['发证', 'certificate issued'], completion_reported: ['完工报告', 'completion reported'],
  closed: ['办结', 'closed'], revoked: ['撤销', 'revoked'], deadline_warning: ['黄灯预警', 'yellow warning'],
  deadline_overdue: ['红灯超时', 'red: overdue'], suspension_overrun: ['中止超期', 'suspension overrun'],
  correction_lapsed: ['补正逾期', 'correction lapsed'], permit_expiring: ['即将到期', 'permit expiring'],
  permit_expired: ['许可到期', 'permit expired'], renewal_deemed: ['视为准予延续', 'renewal deemed'],
  deadlines_recomputed: ['时限重算', 'deadlines recomputed'],
  registered: ['立案', 'registered'], dispatched: ['派遣', 'dispatched'], returned: ['退回', 'returned'],
  handling_started: ['开始处置', 'handling started'], escalated: ['上报领导', 'escalated'],
  deputy_assigned: ['指定督办领导', 'deputy assigned'], replied: ['答复', 'replied'],
  check_failed: ['核查不通过', 'check failed'], checked: ['核查通过', 'checked'], rated: ['回访评价', 'rated'],
  reopened: ['不满意，重新办理', 'reopened'], received: ['受理', 'received'],
  supplied: ['补齐容缺材料', 'tolerated items supplied'], terminated: ['终止办理', 'terminated'],
  verification_recorded: ['承诺核查', 'commitment verified'], credit_flagged: ['推送失信信息', 'credit record flagged'],
};
const COMMANDS = {
  accept: ['受理', 'Accept'], request_correction: ['发出一次性告知', 'Send the one-time notice'],
  reject: ['不予受理', 'Reject'], withdraw: ['撤回申请', 'Withdraw'], resubmit: ['提交补正材料', 'Resubmit'],
  record_opinion: ['出具会签意见', 'Record opinion'], record_inspection: ['记录现场勘查', 'Record inspection'],
  suspend: ['中止计时', 'Suspend'], resume: ['恢复计时', 'Resume'], extend: ['延期', 'Extend'],
  decide: ['作出决定', 'Decide'], issue_certificate: ['发放许可证', 'Issue certificate'],
  report_completion: ['报告完工', 'Report completion'], close: ['办结', 'Close'], revoke: ['撤销许可', 'Revoke'],
  register: ['立案', 'Register'], dispatch: ['派遣', 'Dispatch'], return: ['退回（非本单位职责）', 'Return'],
  start_handling: ['开始处置', 'Start handling'], escalate: ['上报领导督办', 'Escalate'],
  assign_deputy: ['指定督办领导', 'Assign deputy'], reply: ['答复反映人', 'Reply'], check: ['核查', 'Check'],
  rate: ['评价', 'Rate'],
  supply: ['补齐容缺材料', 'Supply the tolerated items'], record_verification: ['记录核查结果', 'Record the verification'],
};
const L = () => (STATE.lang === 'en' ? 1 : 0);
const t = (key) => (WORDS[key] ? WORDS[key][L()] : key);
const pick = (table, key) => (table[key] ? table[key][L()] : key);
const nameOf = (obj) => (obj ? (STATE.lang === 'en' ? obj.en : obj.zh) || obj.zh || '' : '');
// The Chinese of a table entry, for the printed forms (always in Chinese).
const zhOf = (table, key) => (table[key] ? table[key][0] : key);

// --- helpers ---------------------------------------------------------------------------------------
function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
// The Content-Security-Policy allows no inline handlers: print and back buttons are bound here.
function h(html) {
  const view = document.getElementById('view');
  view.innerHTML = html;
  view.querySelectorAll('[data-print]').forEach((b) => b.addEventListener('click', () => window.print()));
  view.querySelectorAll('[data-back]').forEach((a) => a.addEventListener('click', (e) => { e.preventDefault(); history.back(); }));
}
function flash(msg, ok) {
  const el = document.getElementById('flash');
  el.textContent = msg; el.className = 'flash no-print' + (ok ? ' ok' : ''); el.hidden = !msg;
  delete el.dataset.status;
}
// A refusal or failure, in the UI's words: what it means, the HTTP status, and the engine's own message
// folded under 详情 (it is written for the record, in English). A read dropped as stale is no error.
function showError(e) {
  if (e instanceof StaleView) return;
  const el = document.getElementById('flash');
  const status = e instanceof ApiError ? e.name : 'failed';
  el.className = 'flash no-print'; el.hidden = false; el.dataset.status = status;
  el.innerHTML = `${esc(pick(STATUSES, STATUSES[status] ? status : 'failed'))}${e.status ? ` (${esc(e.status)})` : ''}
    ${e.message ? `<details><summary>${t('details')}</summary>${esc(e.message)}</details>` : ''}`;
}
class ApiError extends Error { constructor(status, name, message) { super(message); this.status = status; this.name = name; } }
// A read answered after the user moved to another page (route() ran again) is dropped: a slow queue must not
// overwrite the case page opened after it. route() ends a stale view quietly, and cancels the reads of the view
// it leaves (and sign-out does before it ends the session), so none of them comes back refused.
// `view: false` is for the reads of the signed-in user, which belong to no view.
class StaleView extends Error {}
function leaveView() {
  if (STATE.reads) STATE.reads.abort();
  STATE.reads = new AbortController();
}
async function api(method, path, body, { view = true } = {}) {
  const seq = STATE.seq;
  const read = method === 'GET' && view;
  const headers = {};
  if (method !== 'GET') headers['X-CSRF-Token'] = STATE.csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const signal = read && STATE.reads ? STATE.reads.signal : undefined;
  let res, text;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', signal,
                              body: body === undefined ? undefined : JSON.stringify(body) });
    text = await res.text();
  } catch (e) {
    if (signal && signal.aborted) throw new StaleView();
    throw e;
  }
  if (read && seq !== STATE.seq) throw new StaleView();
  let doc = null;
  try { doc = JSON.parse(text); } catch (e) { doc = text; }
  if (!res.ok) {
    const err = doc && doc.error ? doc.error : { status: 'http_' + res.status, message: text };
    throw new ApiError(res.status, err.status, err.message);
  }
  return doc;
}
const permitName = (id) => (STATE.defs && STATE.defs[id] ? nameOf(STATE.defs[id].name) : id);
const categoryName = (id) => (STATE.cats && STATE.cats[id] ? nameOf(STATE.cats[id].name) : id);
// A case's subject (permit or complaint category) and its applicant or reporter.
const subjectOf = (c) => (c.kind === 'complaint' ? categoryName(c.category) : permitName(c.permit));
const personOf = (c) => c.applicant || c.reporter || {};
// A unit's name; a complaint not yet dispatched is with the information clerk (the report's unit `dispatcher`).
function unitName(id) {
  if (id === 'dispatcher') return t('undispatched');
  const cat = Object.values(STATE.cats || {}).find((x) => x.unit.id === id);
  return cat ? nameOf(cat.unit.name) : (id || '');
}
// A due: a date (permits) or an RFC 3339 time (complaints), shown to the minute.
const dueText = (due) => (due && due.length > 10 ? due.slice(0, 16).replace('T', ' ') : (due || ''));
function materialName(permit, id) {
  if (id.startsWith('fact:')) return factName(permit, id.slice(5));
  // A per-vehicle material is `id:plate` (e.g. each truck's transport licence).
  const colon = id.indexOf(':');
  if (colon > 0) return `${materialName(permit, id.slice(0, colon))}（${id.slice(colon + 1)}）`;
  const m = STATE.defs && STATE.defs[permit] && STATE.defs[permit].materials.find((x) => x.id === id);
  return m ? nameOf(m.name) : id;
}
function factName(permit, name) {
  const f = STATE.defs && STATE.defs[permit] && STATE.defs[permit].facts.find((x) => x.name === name);
  return f ? nameOf(f.label) : pick(CREDIT_FACTS, name);
}
function deptName(permit, id) {
  // The report names several departments at once when more than one opinion is pending.
  if (id && id.includes(',')) return id.split(',').filter(Boolean).map((d) => deptName(permit, d)).join('、');
  // The case's own permit names its departments best; other permits' names are the fallback.
  for (const p of [permit, ...Object.keys(STATE.defs || {})]) {
    if (!STATE.defs || !STATE.defs[p]) continue;
    const d = STATE.defs[p].co_approving.find((x) => x.id === id);
    if (d) return nameOf(d.name);
  }
  return id === 'window' ? t('the_window') : id;
}
const reasonName = (r) => pick(REASONS, r);
// Who gave a command: the role and its department or unit; a person's id only where it is a name (a reviewer's
// id is made from its department's code).
function actorText(a, permit) {
  if (!a || a.role === 'system' || !a.role) return t('system');
  if (a.department) return `${pick(ROLES, a.role)} · ${deptName(permit || '', a.department)}`;
  if (a.unit) return `${pick(ROLES, a.role)} · ${unitName(a.unit)}`;
  // A reporter the viewer may not see is withheld by the engine (docs/policy.md): say so, name no one.
  if (a.withheld || !a.id) return `${pick(ROLES, a.role)} · ${t('withheld')}`;
  return `${pick(ROLES, a.role)} · ${a.id}`;
}
function light(l) { return l ? `<span class="light ${esc(l)}" title="${esc(pick(LIGHTS, l))}"></span>${esc(pick(LIGHTS, l))}` : ''; }
function leftText(n) {
  if (n === undefined || n === null) return '';
  if (n < 0) return `${t('overdue')} ${-n}${t('working_days')}`;
  return `${n}${t('working_days')}`;
}
// The clock that runs in the case's state (the portal says which by giving its working days left).
function mainClock(c) {
  const k = Object.keys(c.working_days_left || {})[0];
  return k && c.deadlines && c.deadlines[k] ? [k, c.deadlines[k]] : [null, null];
}

// --- layout ----------------------------------------------------------------------------------------
function navLinks() {
  const r = STATE.me ? STATE.me.role : '';
  const links = [];
  if (r === 'clerk' || r === 'head' || r === 'supervisor') links.push(['#/queue', t('queue')]);
  if (r === 'clerk' || r === 'applicant') links.push(['#/new', t('new_application')]);
  if (r === 'applicant') links.push(['#/queue', t('mine')]);
  if (r === 'reviewer') links.push(['#/review', t('review')]);
  if (r === 'head') links.push(['#/head', t('head')]);
  if (r === 'clerk' || r === 'head') links.push(['#/verification', t('verification_queue')]);
  if (r === 'reporter') links.push(['#/complaints', t('my_reports')]);
  if (r === 'applicant' || r === 'reporter') links.push(['#/inbox', t('inbox')]);
  if (r === 'reporter' || r === 'dispatcher') links.push(['#/report', t('report_problem')]);
  if (['head', 'supervisor', 'clerk', 'dispatcher', 'handler', 'leader'].includes(r)) links.push(['#/complaints', t('complaints')]);
  if (['head', 'supervisor', 'clerk', 'dispatcher', 'leader'].includes(r)) links.push(['#/dashboard', t('dashboard')]);
  return links;
}
function renderChrome() {
  document.querySelectorAll('[data-t]').forEach((el) => { el.textContent = t(el.dataset.t); });
  document.getElementById('lang').textContent = STATE.lang === 'en' ? '中文' : 'English';
  document.documentElement.lang = STATE.lang === 'en' ? 'en' : 'zh-CN';
  const here = location.hash.split('/').slice(0, 2).join('/');
  document.getElementById('nav').innerHTML = navLinks()
    .map(([href, label]) => `<a href="${href}" class="${href === here ? 'active' : ''}">${esc(label)}</a>`).join('');
  document.getElementById('me').textContent = STATE.me ? `${STATE.me.name} (${pick(ROLES, STATE.me.role)})` : '';
  document.getElementById('clock').textContent = STATE.me ? `${t('now')} ${STATE.me.now.slice(0, 16).replace('T', ' ')}` : '';
  // The built-in demo users are on: the header says so on every page (docs/security.md).
  let badge = document.getElementById('demo-mode');
  if (STATE.demo && !badge) {
    badge = document.createElement('strong'); badge.id = 'demo-mode'; badge.className = 'demo-mode';
    document.querySelector('header .brand').after(badge);
  }
  if (badge) badge.textContent = STATE.demo ? t('demo_mode') : '';
  document.getElementById('signout').hidden = !STATE.me;
}

// --- sign in ---------------------------------------------------------------------------------------
async function viewSignin() {
  h(`<h1>${t('signin')}</h1>
    ${STATE.demo ? `<p class="card">${t('demo_hint')}</p>` : ''}
    <form class="card" id="signin-form"><label>${t('login')} <input name="login" autocomplete="username" required></label>
      <label>${t('password')} <input name="password" type="password" autocomplete="current-password" required></label>
      <button>${t('signin')}</button></form>`);
  document.getElementById('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    signIn(e.target.login.value.trim(), e.target.password.value);
  });
}
async function signIn(login, password) {
  try {
    const out = await api('POST', '/api/login', { login, password });
    STATE.csrf = out.csrf;
    await loadMe();
  } catch (e) {
    STATE.me = null; showError(e); return;
  }
  flash('');
  const home = { reviewer: '#/review', head: '#/head', supervisor: '#/dashboard', reporter: '#/complaints',
                 dispatcher: '#/complaints', handler: '#/complaints', leader: '#/complaints' }[STATE.me.role] || '#/queue';
  location.hash = home;
}
// Whether this portal runs the built-in demo users (shown in the page header), asked before sign-in.
async function loadPortal() {
  try {
    const res = await fetch('/api/portal');
    if (res.ok) {
      const doc = await res.json();
      STATE.demo = doc.demo === true;
      STATE.session = doc.signed_in === true;
    }
  } catch (e) { /* the header just does not say it */ }
}
async function loadMe() {
  const me = await api('GET', '/api/me', undefined, { view: false });
  if (!STATE.defs) STATE.defs = await api('GET', '/api/definitions', undefined, { view: false });
  if (!STATE.cats) STATE.cats = await api('GET', '/api/categories', undefined, { view: false });
  STATE.me = me;
  STATE.csrf = me.csrf;
  STATE.demo = me.demo === true;
}
const COMPLAINT_ROLES = ['reporter', 'dispatcher', 'handler', 'leader'];

// --- queues ----------------------------------------------------------------------------------------
async function allCases(params) {
  const out = [];
  let after = '';
  for (;;) {
    const q = new URLSearchParams({ ...params, limit: '200' });
    if (after) q.set('after', after);
    const page = await api('GET', '/api/cases?' + q.toString());
    out.push(...page.cases);
    if (!page.next) return out;
    after = page.next;
  }
}
function caseTable(cases, { groupByState = true, complaints = false } = {}) {
  if (!cases.length) return `<p class="muted">${t('no_cases')}</p>`;
  const row = (c) => {
    const [clock, d] = mainClock(c);
    const left = clock ? (c.working_days_left || {})[clock] : undefined;
    return `<tr class="row" data-case="${esc(c.id)}" data-state="${esc(c.state)}" data-light="${esc(d ? d.light : '')}">
      <td>${light(d && d.light)}</td><td><a href="#/case/${encodeURIComponent(c.id)}">${esc(c.id)}</a></td>
      <td>${esc(subjectOf(c))}</td><td>${esc(personOf(c).name || personOf(c).id)}</td>
      <td>${esc(pick(STATES, c.state))}</td><td>${clock ? esc(pick(CLOCKS, clock)) : ''}</td>
      <td>${d ? esc(dueText(d.due)) : ''}</td><td class="left">${esc(leftText(left))}</td></tr>`;
  };
  const head = `<tr><th>${t('light')}</th><th>${t('case_no')}</th><th>${t(complaints ? 'category' : 'permit')}</th><th>${t(complaints ? 'reporter' : 'applicant')}</th>
    <th>${t('state')}</th><th>${t('clocks')}</th><th>${t('due')}</th><th>${t('days_left')}</th></tr>`;
  if (!groupByState) return `<table>${head}${cases.map(row).join('')}</table>`;
  return Object.keys(STATES).map((s) => {
    const group = cases.filter((c) => c.state === s);
    if (!group.length) return '';
    return `<section class="state-group" data-state="${s}"><h2>${esc(pick(STATES, s))} <span class="count">(${group.length})</span></h2>
      <table>${head}${group.map(row).join('')}</table></section>`;
  }).join('');
}
function bindRows() {
  document.querySelectorAll('tr.row').forEach((tr) => tr.addEventListener('click', (e) => {
    if (e.target.tagName !== 'A') location.hash = '#/case/' + encodeURIComponent(tr.dataset.case);
  }));
}
// The window's queue: the permit and the light filter on the server (pf_query); the counts per state, the state,
// the search by case number or applicant (name or credit code, any part) and the pages of 20 work on the cases
// the server returned, so each count stays the number of cases the other filters leave.
const QUEUE_PAGE = 20;
async function viewQueue(query) {
  const permit = query.get('permit') || '', lightFilter = query.get('light') || '';
  const stateFilter = query.get('state') || '', text = (query.get('q') || '').trim();
  const params = { kind: 'permit' };  // complaints have their own queue (#/complaints)
  if (permit) params.permit = permit;
  if (lightFilter) params.light = lightFilter;
  const all = await allCases(params);
  const needle = text.toLowerCase();
  const matching = all.filter((c) => !needle || c.id.toLowerCase().includes(needle)
    || String(personOf(c).name || '').toLowerCase().includes(needle) || String(personOf(c).id || '').toLowerCase().includes(needle));
  const counts = {};
  for (const c of matching) counts[c.state] = (counts[c.state] || 0) + 1;
  const cases = stateFilter ? matching.filter((c) => c.state === stateFilter) : matching;
  const pages = Math.max(1, Math.ceil(cases.length / QUEUE_PAGE));
  const pageNo = Math.min(pages, Math.max(1, Number(query.get('page')) || 1));
  const shown = cases.slice((pageNo - 1) * QUEUE_PAGE, pageNo * QUEUE_PAGE);
  const link = (changes) => {
    const q = new URLSearchParams({ permit, light: lightFilter, state: stateFilter, q: text, ...changes });
    for (const [k, v] of [...q.entries()]) if (!v || (k === 'page' && v === '1')) q.delete(k);
    return '#/queue' + (q.toString() ? '?' + q.toString() : '');
  };
  const opts = (table, cur) => Object.keys(table).map((k) => `<option value="${k}" ${k === cur ? 'selected' : ''}>${esc(pick(table, k))}</option>`).join('');
  const permits = Object.fromEntries(Object.keys(STATE.defs).map((k) => [k, [STATE.defs[k].name.zh, STATE.defs[k].name.en]]));
  h(`<h1>${STATE.me.role === 'applicant' ? t('mine') : t('queue')}</h1>
    <form class="filters card" id="filters">
      <label>${t('permit')} <select name="permit"><option value="">${t('all')}</option>${opts(permits, permit)}</select></label>
      <label>${t('light')} <select name="light"><option value="">${t('all')}</option>${opts(LIGHTS, lightFilter)}</select></label>
      <label>${t('search')} <input name="q" value="${esc(text)}" placeholder="${esc(t('search_hint'))}" size="24"></label>
      <button class="secondary">${t('search')}</button>
      <span class="muted"><span id="result-count">${cases.length}</span> ${t('shown')}</span>
    </form>
    <nav class="counts" id="state-counts"><a href="${link({ state: '', page: '' })}" class="${stateFilter ? '' : 'active'}">${t('all')} (${matching.length})</a>
      ${Object.keys(STATES).filter((st) => counts[st]).map((st) => `<a href="${link({ state: st, page: '' })}" data-state-count="${st}" data-count="${counts[st]}"
        class="${st === stateFilter ? 'active' : ''}">${esc(pick(STATES, st))} (${counts[st]})</a>`).join('')}</nav>
    <div id="queue">${caseTable(shown, { groupByState: false })}</div>
    ${pages > 1 ? `<nav class="pager" id="pager">${t('page')}
      ${Array.from({ length: pages }, (_, i) => i + 1).map((k) => `<a href="${link({ page: String(k) })}" data-page="${k}" class="${k === pageNo ? 'active' : ''}">${k}</a>`).join('')}</nav>` : ''}`);
  const form = document.getElementById('filters');
  const go = () => { location.hash = link({ permit: form.permit.value, light: form.light.value, q: form.q.value.trim(), page: '' }); };
  form.addEventListener('change', (e) => { if (e.target.tagName === 'SELECT') go(); });
  form.addEventListener('submit', (e) => { e.preventDefault(); go(); });
  bindRows();
}
async function viewReview() {
  const dept = STATE.me.department;
  // A reviewer's department co-approves permits only, so no kind filter here.
  const waiting = await allCases({ awaiting_department: dept });
  const all = await allCases({});
  h(`<h1>${t('review')} · ${esc(deptName('', dept))}</h1>
    <h2>${t('awaiting_mine')} <span class="muted">(${waiting.length})</span></h2>${caseTable(waiting, { groupByState: false })}
    <h2>${t('all')}</h2>${caseTable(all, { groupByState: false })}`);
  bindRows();
}
async function viewHead() {
  const review = await allCases({ kind: 'permit', state: 'under_review' });
  const ready = review.filter((c) => Object.values(c.opinions || {}).every((o) => o !== null) && (c.inspections || []).length);
  const rest = review.filter((c) => !ready.includes(c));
  h(`<h1>${t('head')}</h1><h2>${t('ready_to_decide')} <span class="muted">(${ready.length})</span></h2>${caseTable(ready, { groupByState: false })}
    <h2>${t('in_review')} <span class="muted">(${rest.length})</span></h2>${caseTable(rest, { groupByState: false })}`);
  bindRows();
}

// The window's follow-up of the two other acceptance paths (docs/contract.md §17): the commitments whose
// verification is open (the engine's query `verification_open`), with their verification clock, and the
// tolerated items still to be supplied (`tolerance_pending`), with their supply date.
async function viewVerification() {
  const open = await allCases({ kind: 'permit', verification_open: 'true' });
  const pending = await allCases({ kind: 'permit', tolerance_pending: 'true' });
  const head = (last) => `<tr><th>${t('light')}</th><th>${t('case_no')}</th><th>${t('permit')}</th><th>${t('applicant')}</th>
    <th>${t('state')}</th><th>${last}</th><th>${t('due')}</th><th>${t('days_left')}</th></tr>`;
  const verifyRow = (c) => {
    const d = c.deadlines.verification || {};
    return `<tr class="row" data-case="${esc(c.id)}" data-state="${esc(c.state)}" data-light="${esc(d.light || '')}"><td>${light(d.light)}</td>
      <td><a href="#/case/${encodeURIComponent(c.id)}">${esc(c.id)}</a></td><td>${esc(subjectOf(c))}</td><td>${esc(personOf(c).name)}</td>
      <td>${esc(pick(STATES, c.state))}</td><td>${esc(((c.commitment || {}).items || []).map((m) => materialName(c.permit, m)).join('、'))}</td>
      <td>${esc(d.due || '')}</td><td class="left">${esc(leftText((c.working_days_left || {}).verification))}</td></tr>`;
  };
  const supplyRow = (c) => {
    const [clock, d] = mainClock(c);
    return `<tr class="row" data-case="${esc(c.id)}" data-state="${esc(c.state)}" data-light="${esc(d ? d.light : '')}"><td>${light(d && d.light)}</td>
      <td><a href="#/case/${encodeURIComponent(c.id)}">${esc(c.id)}</a></td><td>${esc(subjectOf(c))}</td><td>${esc(personOf(c).name)}</td>
      <td>${esc(pick(STATES, c.state))}</td><td>${esc((c.tolerance.outstanding || []).map((m) => materialName(c.permit, m)).join('、'))}</td>
      <td>${esc(c.tolerance.supply_by)}</td><td class="left">${clock ? esc(leftText(c.working_days_left[clock])) : ''}</td></tr>`;
  };
  h(`<h1>${t('verification_queue')}</h1>
    <h2>${t('verification_open')} <span class="muted">(${open.length})</span></h2>
    ${open.length ? `<table id="verification-open">${head(t('committed_items'))}${open.map(verifyRow).join('')}</table>` : `<p class="muted">${t('no_cases')}</p>`}
    <h2>${t('tolerance_pending')} <span class="muted">(${pending.length})</span></h2>
    ${pending.length ? `<table id="tolerance-pending">${head(t('outstanding'))}${pending.map(supplyRow).join('')}</table>` : `<p class="muted">${t('no_cases')}</p>`}`);
  bindRows();
}

// The complaints (城管快速服务, docs/complaints.md): the same table as the permits' queue, grouped by state, with the
// handling clock's light and due time. The engine narrows it: a reporter sees its own reports, a handler
// its unit's cases.
async function viewComplaints(query) {
  const category = query.get('category') || '', lightFilter = query.get('light') || '';
  const params = { kind: 'complaint' };
  if (category) params.category = category;
  if (lightFilter) params.light = lightFilter;
  const cases = await allCases(params);
  const opts = (table, cur) => Object.keys(table).map((k) => `<option value="${k}" ${k === cur ? 'selected' : ''}>${esc(pick(table, k))}</option>`).join('');
  const cats = Object.fromEntries(Object.keys(STATE.cats).map((k) => [k, [STATE.cats[k].name.zh, STATE.cats[k].name.en]]));
  const r = STATE.me.role;
  h(`<h1>${r === 'reporter' ? t('my_reports') : t('complaints')}${r === 'handler' ? ' · ' + esc(unitName(STATE.me.unit)) : ''}</h1>
    <form class="filters card" id="filters">
      <label>${t('category')} <select name="category"><option value="">${t('all')}</option>${opts(cats, category)}</select></label>
      <label>${t('light')} <select name="light"><option value="">${t('all')}</option>${opts(LIGHTS, lightFilter)}</select></label>
      <span class="muted">${cases.length}</span>
      ${r === 'reporter' || r === 'dispatcher' ? `<a href="#/report">${t('report_problem')}</a>` : ''}
    </form><div id="complaints">${caseTable(cases, { complaints: true })}</div>`);
  document.getElementById('filters').addEventListener('change', (e) => {
    const f = e.currentTarget;
    const q = new URLSearchParams();
    if (f.category.value) q.set('category', f.category.value);
    if (f.light.value) q.set('light', f.light.value);
    location.hash = '#/complaints' + (q.toString() ? '?' + q.toString() : '');
  });
  bindRows();
}

// A report of a problem: a resident files its own (source portal), the information clerk takes one down
// from the hotline for a reporter.
function viewReport() {
  const clerk = STATE.me.role === 'dispatcher';
  const cats = Object.keys(STATE.cats);
  h(`<h1>${t('report_problem')}</h1><form class="card" id="report-form">
    <p><label>${t('category')} <select name="category">${cats.map((k) => `<option value="${esc(k)}">${esc(categoryName(k))}</option>`).join('')}</select></label>
      <span class="muted" id="category-limit"></span></p>
    ${clerk ? `<p><label>${t('reporter_id')} <input name="reporter_id" value="居民-" size="16" required></label>
      <label>${t('reporter_name')} <input name="reporter_name" size="12"></label>
      <label>${t('source')} <select name="source">${Object.keys(SOURCES).filter((k) => k !== 'portal').map((k) => `<option value="${k}">${esc(pick(SOURCES, k))}</option>`).join('')}</select></label></p>` : ''}
    <p><label>${t('description')}<br><textarea name="description" required rows="4"></textarea></label></p>
    <p><label>${t('location')} <input name="location" size="40" required></label></p>
    <p><button id="submit-report">${t('submit')}</button></p></form>`);
  const form = document.getElementById('report-form');
  const showLimit = () => {
    const l = STATE.cats[form.category.value].limit;
    document.getElementById('category-limit').textContent = l.working_hours ? `${l.working_hours}${t('working_hours')}` : `${l.working_days}${t('working_days')}`;
  };
  form.category.addEventListener('change', showLimit);
  showLimit();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const app = { kind: 'complaint', category: form.category.value, description: form.description.value.trim(),
                  location: form.location.value.trim() };
    if (clerk) {
      app.reporter = { id: form.reporter_id.value.trim(), name: form.reporter_name.value.trim() || form.reporter_id.value.trim() };
      app.source = form.source.value;
    }
    try {
      const c = await api('POST', '/api/applications', app);
      flash(`${pick(STATES, c.state)}: ${c.id}`, true);
      location.hash = '#/case/' + encodeURIComponent(c.id);
    } catch (err) { showError(err); }
  });
}

// --- case page -------------------------------------------------------------------------------------
function factValue(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? t('yes') : t('no');
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? Object.entries(x).map(([k, y]) => `${pick(VEHICLE_KEYS, k)}：${factValue(y)}`).join('，') : x)).join('；');
  return String(v);
}
function clocksHtml(c) {
  const rows = Object.entries(c.deadlines || {}).filter(([, d]) => d).map(([k, d]) => {
    const left = (c.working_days_left || {})[k];
    let extra = '';
    if (k === 'decision') {
      extra = `${t('statutory')} ${esc(d.statutory_due)} ${light(d.statutory_light)}`;
      if (d.extended_working_days) extra += ` · <span class="tag">${t('extended')} +${d.extended_working_days}${t('working_days')}</span>`;
    }
    if (k === 'handling') {
      const lim = d.limit || {};
      extra = lim.working_hours ? `${lim.working_hours}${t('working_hours')}` : (lim.working_days ? `${lim.working_days}${t('working_days')}` : '');
      if (d.extended_working_days) extra += ` · <span class="tag">${t('extended')} +${d.extended_working_days}${t('working_days')}</span>`;
      if (d.rectification) extra += ` · <span class="tag">${pick(STATES, 'reopened')}</span>`;
    }
    return `<tr data-clock="${k}"><td>${esc(pick(CLOCKS, k))}</td><td>${light(d.light)}</td><td class="due">${k === 'decision' ? t('promised') + ' ' : ''}${esc(dueText(d.due))}${d.provisional ? ' *' : ''}</td>
      <td>${esc(leftText(left))}</td><td>${extra}</td></tr>`;
  });
  const susp = (c.suspensions || []).map((s) => `<li>${esc(reasonName(s.reason))}: ${esc(s.from)} – ${esc(s.to || '…')}</li>`).join('');
  return `<table>${rows.join('')}</table>${susp ? `<ul>${susp}</ul>` : ''}`;
}
function timelineHtml(c, history) {
  return `<ol class="timeline">${history.map((e) => {
    const d = e.data || {};
    let more = '';
    if (e.type === 'opinion_recorded') more = `${deptName(c.permit, d.department)}: ${pick(OPINIONS, d.opinion)}${d.comment ? ' — ' + d.comment : ''}`;
    else if (e.type === 'decided') more = pick(OUTCOMES, d.outcome) + (d.reasons ? ' — ' + d.reasons : '');
    else if (e.type === 'suspended') more = reasonName(d.reason);
    else if (e.type === 'correction_requested') more = (d.items || []).map((i) => materialName(c.permit, i.material)).join('、');
    else if (e.type === 'extended' || e.type === 'rejected' || e.type === 'revoked' || e.type === 'terminated') more = pick(END_REASONS, d.reason || '');
    else if (e.type === 'supplied') more = (d.materials || []).map((m) => materialName(c.permit, m.id || m)).join('、');
    else if (e.type === 'verification_recorded') more = `${pick(VERIFY_RESULTS, d.result)}${d.method ? ' · ' + pick(VERIFY_METHODS, d.method) : ''}${d.note ? ' — ' + d.note : ''}`;
    else if (e.type === 'credit_flagged') more = pick(END_REASONS, d.reason || '');
    else if (e.type === 'accepted' && d.tolerance) more = `${t('tolerance')}: ${(d.tolerance.items || []).map((m) => materialName(c.permit, m)).join('、')} · ${t('supply_by')} ${d.tolerance.supply_by}`;
    else if (e.type === 'certificate_issued') more = d.number || '';
    else if (e.type === 'inspection_recorded') more = d.findings || '';
    else if (e.type === 'deadline_warning' || e.type === 'deadline_overdue') more = `${pick(CLOCKS, d.clock)} ${dueText(d.due)}`;
    else if (e.type === 'dispatched') more = unitName(d.unit);
    else if (e.type === 'returned') more = `${unitName(d.unit)}: ${d.reasons || ''}`;
    else if (e.type === 'escalated') more = d.reason || '';
    else if (e.type === 'deputy_assigned') more = d.deputy + (d.instructions ? ' — ' + d.instructions : '');
    else if (e.type === 'replied') more = d.reply || '';
    else if (e.type === 'registered' || e.type === 'check_failed' || e.type === 'checked' || e.type === 'handling_started') more = d.note || '';
    else if (e.type === 'rated') more = `${d.rating}/5${d.comment ? ' — ' + d.comment : ''}`;
    return `<li data-event="${esc(e.type)}"><span class="when">${esc(e.at.slice(0, 16).replace('T', ' '))}</span>
      <strong>${esc(pick(EVENTS, e.type))}</strong> ${esc(more)} <span class="by">[${esc(actorText(e.actor, c.permit))}]</span></li>`;
  }).join('')}</ol>`;
}
// The commands the engine lets the signed-in user give on this case now ("allowed_commands" of the case read
// with the user as actor, docs/policy.md), each as a small form. Which commands to offer is the engine's
// answer: this page only knows what each form asks for.
function actionForms(c) {
  const reason = (name, label) => `<label>${t(label)} <input name="${name}" required></label>`;
  const note = () => `<label>${t('note')} <input name="note"></label>`;
  const fields = {
    reject: () => [`<label>${t('reason')} <input name="reason" required></label>`, 'danger'],
    resubmit: () => {
      const named = [...new Set((c.notices || []).flatMap((n) => n.items.map((i) => i.material)).filter((m) => !m.startsWith('fact:')))];
      return [named.map((m) => `<label><input type="checkbox" name="material" value="${esc(m)}" checked> ${esc(materialName(c.permit, m))}</label>`).join('')];
    },
    withdraw: () => [`<label>${t('reason')} <input name="reason"></label>`, 'secondary'],
    record_opinion: () => {
      const depts = Object.keys(c.opinions || {});
      return [`<label>${t('department')} <select name="department">${depts.map((d) =>
        `<option value="${esc(d)}" ${d === STATE.me.department ? 'selected' : ''}>${esc(deptName(c.permit, d))}</option>`).join('')}</select></label>
        <label><select name="opinion">${Object.keys(OPINIONS).map((o) => `<option value="${o}">${esc(pick(OPINIONS, o))}</option>`).join('')}</select></label>
        <label>${t('comment')} <input name="comment"></label>`];
    },
    record_inspection: () => [`<label>${L() ? 'Inspectors' : '勘查人员'} <input name="inspectors" value="执法-张伟,执法-刘洋"></label>
      <label>${L() ? 'Findings' : '勘查结论'} <input name="findings" value="${L() ? 'as applied for' : '现场与申请一致'}"></label>`],
    suspend: () => {
      const reasons = (STATE.defs[c.permit] || {}).suspension_reasons || [];
      return [`<label>${t('reason')} <select name="reason">${reasons.map((x) => `<option value="${esc(x)}">${esc(reasonName(x))}</option>`).join('')}</select></label>
        <label>${L() ? 'Expected WD' : '预计工作日'} <input name="expected_working_days" type="number" min="1" value="5" style="width:5em"></label>
        <label>${L() ? 'Notice' : '告知书'} <input name="notice" value="中止计时告知书"></label>`, 'secondary'];
    },
    decide: () => [`<label><select name="outcome">${Object.keys(OUTCOMES).map((o) => `<option value="${o}">${esc(pick(OUTCOMES, o))}</option>`).join('')}</select></label>
      <label>${t('reason')} <input name="reasons"></label>`],
    extend: () => [`<label>${L() ? 'Working days' : '延长工作日'} <input name="working_days" type="number" min="1" max="${c.kind === 'complaint' ? 10 : 15}" value="${c.kind === 'complaint' ? 5 : 10}" style="width:5em"></label>
      ${reason('reason', 'reason')}`, 'secondary'],
    close: () => ['', c.kind === 'complaint' ? '' : 'secondary'],
    revoke: () => [`<label>${t('reason')} <input name="reason" required></label>`, 'danger'],
    // complaints (docs/complaints.md)
    register: () => [`<label><input type="checkbox" name="verified" ${['patrol', 'referral'].includes(c.source) ? '' : 'checked'}> ${t('verified')}</label>${note()}`],
    dispatch: () => {
      const units = [...new Map(Object.values(STATE.cats).map((x) => [x.unit.id, x.unit])).values()]
        .filter((u) => !(c.returned_by || []).includes(u.id));
      const preferred = c.state === 'reopened' && c.unit ? c.unit : c.responsible_unit;
      return [`<label>${t('unit')} <select name="unit">${units.map((u) =>
        `<option value="${esc(u.id)}" ${u.id === preferred ? 'selected' : ''}>${esc(nameOf(u.name))}</option>`).join('')}</select></label>${note()}`];
    },
    start_handling: () => [note()],
    return: () => [reason('reasons', 'reasons'), 'secondary'],
    reply: () => [`<label>${t('reply')} <textarea name="reply" required rows="2"></textarea></label>`],
    check: () => [`<label><select name="passed"><option value="true">${t('passed')}</option><option value="false">${t('failed')}</option></select></label>${note()}`],
    escalate: () => [reason('reason', 'escalation'), 'danger'],
    assign_deputy: () => [`<label>${t('deputy')} <input name="deputy" value="${esc(STATE.me.id)}" required></label>
      <label>${t('instructions')} <input name="instructions"></label>`],
    // the two other acceptance paths (docs/contract.md §17)
    supply: () => [`${((c.tolerance || {}).outstanding || []).map((m) => `<label><input type="checkbox" name="material" value="${esc(m)}" checked> ${esc(materialName(c.permit, m))}</label>`).join('')}`],
    record_verification: () => {
      const methods = ((STATE.defs[c.permit] || {}).verification || {}).methods || [];
      return [`<label>${t('result')} <select name="result">${Object.keys(VERIFY_RESULTS).map((r) => `<option value="${r}">${esc(pick(VERIFY_RESULTS, r))}</option>`).join('')}</select></label>
        <label>${t('method')} <select name="method">${methods.map((m) => `<option value="${esc(m)}">${esc(pick(VERIFY_METHODS, m))}</option>`).join('')}</select></label>${note()}`];
    },
    rate: () => [`<label>${t('rating')} <select name="rating">${[5, 4, 3, 2, 1].map((n) => `<option value="${n}">${'★'.repeat(n)} ${n}</option>`).join('')}</select></label>
      <label>${t('comment')} <input name="comment"></label>`],
  };
  return (c.allowed_commands || []).map((type) => {
    const [inner, cls] = fields[type] ? fields[type]() : [''];
    const form = `<form data-command="${esc(type)}">${inner}<button class="${cls || ''}">${esc(pick(COMMANDS, type))}</button></form>`;
    return type === 'accept' ? form + toleranceForm(c) : form;
  }).join('') || `<p class="muted">${t('none')}</p>`;
}
// 容缺受理 beside the plain acceptance: the engine's pre-check of the case's application (c.acceptance_check)
// says which items are still deficient and which of them the window may tolerate. The form lists exactly
// those items when every one is tolerable; otherwise it says why not (the items, or the credit gate).
function toleranceForm(c) {
  const n = c.acceptance_check;
  if (!n || !n.items || !n.items.length) return '';
  const missing = n.items.map((i) => i.material);
  const tolerable = n.tolerable || [];
  if (n.credit_gate) return `<p class="muted" id="no-tolerance">${t('no_tolerance')}: ${t('credit_gate')}（${esc(pick(CREDIT_FACTS, n.credit_gate))}）</p>`;
  const not = missing.filter((m) => !tolerable.includes(m));
  if (not.length) {
    return `<p class="muted" id="no-tolerance">${t('no_tolerance')}: ${t('not_tolerable')}：${esc(not.map((m) => materialName(c.permit, m)).join('、'))}</p>`;
  }
  return `<form data-command="accept" data-variant="tolerance" id="tolerance-form"><fieldset><legend>${t('accept_tolerant')}</legend>
    <ul class="tolerated">${missing.map((m) => `<li data-material="${esc(m)}">${esc(materialName(c.permit, m))}</li>`).join('')}</ul>
    <label>${t('supply_by')} <input type="date" name="supply_by" required></label>
    <label>${t('signed_by')} <input name="signed_by" value="${esc(c.applicant.name)}" required></label>
    <p class="commitment-text" id="tolerance-text"></p><p class="muted">${t('text_hash')} <code class="hash" id="tolerance-hash"></code></p>
    <button>${t('accept_tolerant')}</button></fieldset></form>`;
}
async function commandFrom(form, c) {
  const type = form.dataset.command, f = form.elements, cmd = { type, expected_version: c.version };
  const val = (n) => (f[n] ? f[n].value.trim() : '');
  if (form.dataset.variant === 'tolerance') {
    const items = [...form.querySelectorAll('li[data-material]')].map((li) => li.dataset.material);
    const text = toleranceText(c, items, val('supply_by'), val('signed_by'));
    cmd.tolerance = { items, supply_by: val('supply_by'),
                      commitment: { signed_by: val('signed_by'), signed_at: STATE.me.now, text_sha256: await sha256Hex(text) } };
  }
  if (type === 'supply') {
    cmd.materials = [...form.querySelectorAll('input[name=material]:checked')]
      .map((i) => ({ id: i.value, format: 'pdf', expires_on: '2030-12-31' }));
  }
  if (type === 'record_verification') { cmd.result = val('result'); if (val('method')) cmd.method = val('method'); if (val('note')) cmd.note = val('note'); }
  if (['reject', 'revoke', 'extend'].includes(type)) cmd.reason = val('reason');
  if (type === 'withdraw' && val('reason')) cmd.reason = val('reason');
  if (type === 'resubmit') {
    cmd.materials = [...form.querySelectorAll('input[name=material]:checked')]
      .map((i) => ({ id: i.value, format: 'pdf', expires_on: '2030-12-31' }));
  }
  if (type === 'record_opinion') { cmd.department = val('department'); cmd.opinion = val('opinion'); if (val('comment')) cmd.comment = val('comment'); }
  if (type === 'record_inspection') { cmd.inspectors = val('inspectors').split(/[,，]/).map((x) => x.trim()).filter(Boolean); cmd.findings = val('findings'); }
  if (type === 'suspend') { cmd.reason = val('reason'); cmd.expected_working_days = Number(val('expected_working_days')); cmd.notice = val('notice'); }
  if (type === 'extend') cmd.working_days = Number(val('working_days'));
  if (type === 'decide') { cmd.outcome = val('outcome'); if (val('reasons')) cmd.reasons = val('reasons'); }
  // complaints
  if (['register', 'dispatch', 'start_handling', 'check'].includes(type) && val('note')) cmd.note = val('note');
  if (type === 'register') cmd.verified = f.verified.checked;
  if (type === 'dispatch') cmd.unit = val('unit');
  if (type === 'return') cmd.reasons = val('reasons');
  if (type === 'escalate') cmd.reason = val('reason');
  if (type === 'reply') cmd.reply = val('reply');
  if (type === 'check') cmd.passed = val('passed') === 'true';
  if (type === 'assign_deputy') { cmd.deputy = val('deputy'); if (val('instructions')) cmd.instructions = val('instructions'); }
  if (type === 'rate') { cmd.rating = Number(val('rating')); if (val('comment')) cmd.comment = val('comment'); }
  return cmd;
}
async function viewCase(id) {
  let c;
  try {
    c = await api('GET', '/api/cases/' + encodeURIComponent(id));
  } catch (e) {
    if (e instanceof StaleView) throw e;
    h(`<h1>${esc(id)}</h1><p class="card">${esc(e.status === 403 ? t('not_visible') : e.message)}</p>`);
    throw e;
  }
  const history = await api('GET', '/api/cases/' + encodeURIComponent(id) + '/history');
  if (c.kind !== 'complaint' && (c.allowed_commands || []).includes('accept')) c.acceptance_check = await acceptanceCheck(c);
  if (c.kind === 'complaint') return showCase(c, history, complaintCards(c));
  return showCase(c, history, permitCards(c));
}
// The engine's pre-check of the case's application as it stands: what is still deficient and what the
// window could tolerate. A read: a page left meanwhile drops it.
async function acceptanceCheck(c) {
  const seq = STATE.seq;
  const app = { permit: c.permit, applicant: c.applicant, facts: c.facts,
                materials: (c.materials || []).map(({ received_on, ...m }) => m) };
  if (c.commitment) app.commitment = c.commitment;
  let n = null;
  try { n = await api('POST', '/api/precheck', app); } catch (e) { n = null; }  // then no tolerance form
  if (seq !== STATE.seq) throw new StaleView();
  return n;
}
// A complaint's own cards: who reported what where, where it is now, the reply and the rating.
function complaintCards(c) {
  const rep = c.reporter || {};
  const row = (k, v) => (v === undefined || v === null || v === '' ? '' : `<dt>${t(k)}</dt><dd>${v}</dd>`);
  const details = `<div class="card" id="complaint-details"><dl class="kv">
      ${row('reporter', rep.withheld ? `<span class="muted" id="reporter-withheld">${t('withheld')}</span>`
                                     : `${esc(rep.name || rep.id)} <span class="muted">${esc(rep.id)}</span>`)}
      ${row('source', esc(pick(SOURCES, c.source)))}${row('received_at', esc(dueText(c.received_at || (c.deadlines.handling || {}).started_at)))}
      ${row('description', esc(c.description))}${row('location', esc(c.location))}
      ${row('responsible_unit', esc(unitName(c.responsible_unit)))}
      ${row('unit', c.unit ? `<span id="case-unit" data-unit="${esc(c.unit)}">${esc(unitName(c.unit))}</span>` : '')}
      ${row('returned_by', (c.returned_by || []).map(unitName).map(esc).join('、'))}
      ${row('escalation', esc(c.escalation_reason))}${row('deputy', esc(c.deputy))}
      ${row('reply', c.reply ? `<span id="case-reply">${esc(c.reply)}</span>` : '')}
      ${row('rating', c.rating ? `<span id="case-rating">${'★'.repeat(c.rating)} ${c.rating}/5</span>${c.rating_comment ? ' — ' + esc(c.rating_comment) : ''}` : '')}
      ${row('reopened_times', c.reopened || '')}</dl></div>`;
  return { details, left: '', right: '' };
}
// The uploaded document of a material (docs/portal.md): PDF and images open inline from the case's download
// URL (images also show as a thumbnail), other formats (OFD) download. The portal serves it only to roles
// that may see the case.
const DOC_WORDS = { view: ['查看', 'View'], download: ['下载', 'Download'] };
function documentViewer(c, m) {
  if (!m.sha256) return '';
  const url = `/api/cases/${encodeURIComponent(c.id)}/documents/${encodeURIComponent(m.sha256)}`;
  const inline = ['pdf', 'png', 'jpg'].includes(m.format);
  const thumb = m.format === 'png' || m.format === 'jpg'
    ? `<br><img src="${url}" alt="${esc(m.id)}" class="doc-thumb" style="max-width:160px;max-height:120px;border:1px solid #ccc">` : '';
  return ` <a href="${url}" class="doc-link" data-material="${esc(m.id)}" data-format="${esc(m.format)}" target="_blank" rel="noopener"${inline ? '' : ' download'}>${pick(DOC_WORDS, inline ? 'view' : 'download')}</a>
    <span class="muted sha256" title="SHA-256" style="font-family:monospace;font-size:11px">${esc(m.sha256.slice(0, 12))}…</span>${thumb}`;
}
function permitCards(c) {
  c.applicant = c.applicant || {};
  // In the definition's order (a case's facts object has no order of its own).
  const declared = ((STATE.defs[c.permit] || {}).facts || []).map((f) => f.name);
  const order = [...declared.filter((k) => k in (c.facts || {})), ...Object.keys(c.facts || {}).filter((k) => !declared.includes(k))];
  const facts = order.map((k) => `<dt>${esc(factName(c.permit, k))}</dt><dd>${esc(factValue(c.facts[k]))}</dd>`).join('');
  const mats = (c.materials || []).map((m) => `<li>${esc(materialName(c.permit, m.id))} <span class="muted">${esc(String(m.format || '').toUpperCase())}${m.expires_on ? ` · ${t('expires')} ${esc(m.expires_on)}` : ''}</span>${documentViewer(c, m)}</li>`).join('');
  const opinions = Object.entries(c.opinions || {}).map(([d, o]) =>
    `<li data-dept="${esc(d)}">${esc(deptName(c.permit, d))}: ${o ? esc(pick(OPINIONS, o.opinion) + (o.comment ? ' — ' + o.comment : '')) : `<span class="muted">${t('pending')}</span>`}</li>`).join('');
  const notices = (c.notices || []).map((n, i) => `<li>${esc(n.issued_on)} · ${n.items.length}
    <a href="#/notice/${encodeURIComponent(c.id)}/${i}" class="print-notice">${t('print_notice')}</a></li>`).join('');
  const details = `<div class="card"><dl class="kv"><dt>${t('applicant')}</dt><dd>${esc(c.applicant.name)} <span class="muted">${esc(c.applicant.id)}</span></dd>
          <dt>${t('received_on')}</dt><dd>${esc(c.received_on)}</dd><dt>${t('accepted_on')}</dt><dd>${esc(c.accepted_on || '—')}${c.deemed_accepted ? ' (' + pick(EVENTS, 'acceptance_deemed') + ')' : ''}</dd>
          ${c.certificate ? `<dt>${t('certificate')}</dt><dd>${esc(c.certificate.number)} <a href="#/certificate/${encodeURIComponent(c.id)}" id="print-certificate">${t('print_certificate')}</a></dd>` : ''}
          ${c.end_reason && END_REASONS[c.end_reason] ? `<dt>${t('end_reason')}</dt><dd id="end-reason">${esc(pick(END_REASONS, c.end_reason))}</dd>` : ''}
          ${c.credit_flagged ? `<dt>${t('credit_flagged')}</dt><dd><span class="tag flag" id="credit-flagged">${t('credit_flagged')}</span></dd>` : ''}</dl></div>`;
  const left = `${pathCards(c)}<div class="card"><h2>${t('opinions')}</h2><ul id="opinions">${opinions || `<li class="muted">${t('none')}</li>`}</ul></div>
        <div class="card"><h2>${t('notices')}</h2><ul>${notices || `<li class="muted">${t('none')}</li>`}</ul></div>`;
  const right = `<div class="card"><h2>${t('facts')}</h2><dl class="kv">${facts}</dl></div>
        <div class="card"><h2>${t('materials')}</h2><ul>${mats}</ul></div>`;
  return { details, left, right };
}
// The two other acceptance paths on a case (docs/contract.md §17): its tolerance (the items, the supply date,
// what is still to come) and its commitment (the items it replaces, who signed, the text's digest) with the
// verification recorded on it.
function pathCards(c) {
  const names = (ids) => (ids || []).map((m) => materialName(c.permit, m)).join('、');
  const signed = (x) => (x ? `<dt>${t('signed_by')}</dt><dd>${esc(x.signed_by)}</dd><dt>${t('signed_at')}</dt><dd>${esc(dueText(x.signed_at))}</dd>
      <dt>${t('text_hash')}</dt><dd><code class="hash">${esc(x.text_sha256)}</code></dd>` : '');
  let out = '';
  if (c.tolerance) {
    const tol = c.tolerance;
    out += `<div class="card" id="tolerance" data-pending="${tol.pending ? 'true' : 'false'}"><h2>${t('tolerance')}</h2><dl class="kv">
      <dt>${t('tolerated_items')}</dt><dd>${esc(names(tol.items))}</dd><dt>${t('supply_by')}</dt><dd>${esc(tol.supply_by)}</dd>
      <dt>${t('outstanding')}</dt><dd id="tolerance-outstanding">${tol.pending ? esc(names(tol.outstanding)) : t('complete_supply')}</dd>
      ${tol.supplied_on ? `<dt>${t('supplied_on')}</dt><dd>${esc(tol.supplied_on)}</dd>` : ''}${signed(tol.commitment)}</dl></div>`;
  }
  if (c.commitment) {
    const v = c.verification;
    out += `<div class="card" id="commitment"><h2>${t('commitment')}</h2><dl class="kv">
      <dt>${t('committed_items')}</dt><dd>${esc(names(c.commitment.items))}</dd>${signed(c.commitment)}
      ${v ? `<dt>${t('result')}</dt><dd id="verification-result" data-result="${esc(v.result)}">${esc(pick(VERIFY_RESULTS, v.result))}</dd>
        ${v.method ? `<dt>${t('method')}</dt><dd>${esc(pick(VERIFY_METHODS, v.method))}</dd>` : ''}
        ${v.note ? `<dt>${t('note')}</dt><dd>${esc(v.note)}</dd>` : ''}<dt>${t('recorded_on')}</dt><dd>${esc(v.recorded_on)}</dd>` : ''}</dl></div>`;
  }
  return out;
}
// The texts a person signs for the two paths. The portal records the SHA-256 of exactly the text shown
// (text_sha256), so the signed words can be proven later.
const BUREAU = '县城市管理局';
function toleranceText(c, items, supplyBy, signedBy) {
  return inChinese(() => `容缺受理承诺书：${signedBy}承诺，在${cnDate(supplyBy)}前（含当日）向${BUREAU}一站式服务窗口补齐${permitName(c.permit)}申请（案件编号${c.id}）的下列容缺材料：`
    + `${items.map((m) => materialName(c.permit, m)).join('、')}。逾期未补齐的，同意终止办理本申请，并承担由此产生的法律责任。`);
}
function commitmentText(permit, applicantName, items) {
  return inChinese(() => `告知承诺书：${applicantName}已知晓${permitName(permit)}的法定条件和要求，承诺下列材料所证明的事项真实、有效：`
    + `${items.map((m) => materialName(permit, m)).join('、')}。本人（单位）知悉：承诺不实的，${BUREAU}将依法撤销许可，并将失信信息推送至信用信息平台。`);
}
async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// The case page of either kind: state, clocks with lights, the kind's own cards, the actions the role may
// take (each posted to the one command route), the timeline.
function showCase(c, history, { details, left, right }) {
  h(`<p class="no-print"><a href="#" data-back>← ${t('back')}</a></p>
    <h1><span id="case-state" data-state="${esc(c.state)}">${esc(pick(STATES, c.state))}</span> · ${esc(subjectOf(c))} · ${esc(c.id)}</h1>
    ${(c.flags || []).map((f) => `<span class="tag flag" data-flag="${esc(f)}">${esc(pick(FLAGS, f))}</span>`).join('')}
    <div class="grid">
      <div>
        ${details}
        <div class="card" id="clocks"><h2>${t('clocks')}</h2>${clocksHtml(c)}</div>
        ${left}
        <div class="card actions" id="actions"><h2>${t('actions')}</h2>${actionForms(c)}</div>
      </div>
      <div>
        ${right}
        <div class="card"><h2>${t('timeline')}</h2>${timelineHtml(c, history)}</div>
      </div>
    </div>`);
  const tolForm = document.getElementById('tolerance-form');
  if (tolForm) {
    // The text the applicant signs, and its digest, as the date and the signer are filled in.
    const items = [...tolForm.querySelectorAll('li[data-material]')].map((li) => li.dataset.material);
    const show = async () => {
      const text = toleranceText(c, items, tolForm.supply_by.value, tolForm.signed_by.value.trim());
      document.getElementById('tolerance-text').textContent = text;
      document.getElementById('tolerance-hash').textContent = await sha256Hex(text);
    };
    tolForm.addEventListener('input', show);
    show();
  }
  document.querySelectorAll('form[data-command]').forEach((form) => form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const after = await api('POST', `/api/cases/${encodeURIComponent(c.id)}/commands`, await commandFrom(form, c));
      flash(`${pick(COMMANDS, form.dataset.command)}: ${pick(STATES, after.state)}`, true);
      await route();
    } catch (err) {
      showError(err);
    }
  }));
}

// --- printable documents (A4) ------------------------------------------------------------------------
function printBar(backTo) {
  return `<div class="print-bar no-print"><button type="button" data-print>${t('print')}</button>
    <a href="${backTo}">← ${t('back')}</a></div>`;
}
function cnDate(d) { return d ? `${d.slice(0, 4)}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日` : ''; }
// The hash of the document a printed notice or certificate refers to, so the paper names the exact bytes.
function materialHash(c, id) { return ((c.materials || []).find((m) => m.id === id) || {}).sha256 || ''; }
const hashLine = (sha) => (sha ? `<div class="sha256" style="word-break:break-all;font-family:monospace;font-size:8px">SHA-256 ${esc(sha)}</div>` : '');
// The printed forms are in Chinese whatever the screen's language: they are the bureau's official documents.
function inChinese(render) {
  const lang = STATE.lang;
  STATE.lang = 'zh';
  try { return render(); } finally { STATE.lang = lang; }
}
const seal = (date) => `<div class="seal"><div>县城市管理局</div><div>${cnDate(date)}</div><div class="stamp"><span class="star">★</span>行政审批专用章</div></div>`;
async function viewNotice(id, index) {
  const c = await api('GET', '/api/cases/' + encodeURIComponent(id));
  const n = (c.notices || [])[Number(index)];
  if (!n) throw new ApiError(404, 'not_found', 'no such notice');
  h(printBar('#/case/' + encodeURIComponent(id)) + inChinese(() => `<article class="document" id="notice">
    <h1>补正材料一次性告知书</h1><div class="docno">（${esc(c.id)}-${Number(index) + 1}）</div>
    <p>${esc(c.applicant.name)}：</p>
    <p class="indent">你（单位）于${cnDate(c.received_on)}提出的${esc(permitName(c.permit))}申请，经审查，申请材料不齐全或者不符合法定形式。依据《中华人民共和国行政许可法》第三十二条第一款第（四）项的规定，现一次性告知你（单位）需要补正的全部内容如下：</p>
    <table class="items"><colgroup><col class="no"><col class="name"><col class="problem"><col class="note"></colgroup>
      <tr><th>序号</th><th>材料名称</th><th>问题</th><th>说明</th></tr>
      ${n.items.map((i, k) => `<tr data-material="${esc(i.material)}"><td>${k + 1}</td><td>${esc(materialName(c.permit, i.material))}${hashLine(materialHash(c, i.material))}</td>
        <td>${esc(pick(PROBLEMS, i.problem))}</td><td>${esc(i.note || '')}</td></tr>`).join('')}</table>
    <p class="indent">请按上述要求补正后，向本机关一站式服务窗口提交。补齐全部材料后，本机关将依法作出是否受理的决定。</p>
    ${seal(n.issued_on)}
    <p class="sign">申请人签收：__________ 日期：__________</p></article>`));
}
// The certificate (许可证) as the form has it: the issuing bureau, the permit, its number, the holder and its
// credit code, the permit's place and scope as the facts the definition chooses (certificate_facts, in that
// order), the validity, the conditions (the departments' and the decision's words), the seal and the date.
async function viewCertificate(id) {
  const c = await api('GET', '/api/cases/' + encodeURIComponent(id));
  if (!c.certificate) throw new ApiError(404, 'not_found', 'no certificate yet');
  const cert = c.certificate;
  const def = STATE.defs[c.permit] || { facts: [], certificate_facts: [] };
  const title = permitName(c.permit).replace(/(审批|核准|许可)$/, '') + '许可证';
  h(printBar('#/case/' + encodeURIComponent(id)) + inChinese(() => {
    const facts = (def.certificate_facts || []).filter((k) => k in (c.facts || {})).map((k) =>
      `<tr data-fact="${esc(k)}"><th>${esc(factName(c.permit, k))}</th><td>${esc(factValue(c.facts[k]))}</td></tr>`).join('');
    const conditions = [
      ...Object.entries(c.opinions || {}).filter(([, o]) => o && o.comment).map(([d, o]) => `${deptName(c.permit, d)}：${o.comment}`),
      ...(c.decision && c.decision.reasons ? [c.decision.reasons] : []),
    ];
    return `<article class="document" id="certificate">
    <div class="issuer">县城市管理局</div>
    <h1>${esc(title)}</h1><div class="docno">${t('permit_no')}：<span id="certificate-number">${esc(cert.number)}</span></div>
    <table class="certificate">
      <tr><th>${t('holder')}</th><td id="certificate-holder">${esc(c.applicant.name)}</td></tr>
      <tr><th>${t('credit_code')}</th><td>${esc(c.applicant.id)}</td></tr>
      <tr><th>${t('permit')}</th><td>${esc(permitName(c.permit))}</td></tr>
      ${facts}
      <tr><th>${t('validity')}</th><td>${cnDate(cert.valid_from)} 至 ${cert.valid_until ? cnDate(cert.valid_until) : t('long_term')}</td></tr>
      ${(c.materials || []).some((m) => m.sha256) ? `<tr><th>申请材料 SHA-256</th><td>${(c.materials || []).filter((m) => m.sha256).map((m) => `<div>${esc(materialName(c.permit, m.id))}${hashLine(m.sha256)}</div>`).join('')}</td></tr>` : ''}
      <tr><th>${t('conditions')}</th><td id="certificate-conditions">${conditions.length ? conditions.map((x) => `<div>${esc(x)}</div>`).join('') : '无附加条件'}</td></tr>
    </table>
    <p class="indent">经审查，你（单位）的申请符合法定条件、标准，依据《中华人民共和国行政许可法》第三十八条第一款的规定，准予许可。被许可人应当按照许可的范围、期限和条件从事许可事项。</p>
    ${seal(cert.issued_on || cert.valid_from)}
    <p class="sign">案件编号：${esc(c.id)} · 受理日期：${cnDate(c.accepted_on)}</p></article>`;
  }));
}

// --- new application -------------------------------------------------------------------------------
const SAMPLE_FACTS = {
  road_excavation: { road_opened_on: '2012-05-01', road_overhauled_on: null, planned_start: '2027-01-10', planned_end: '2027-01-30',
                     on_carriageway: true, emergency: false, protection_exception_approved: false },
  outdoor_advertising: { area_m2: 24, height_m: 6, on_roof: false, building_storeys: 5, term_months: 36, electronic_screen: false },
  construction_waste: { volume_m3: 1200, route: 'S226 - 城东路 - 城东消纳场', disposal_site: '城东消纳场',
                        vehicles: [{ plate: '苏J67890', enclosed: true, recorder: true }] },
};
function viewNew() {
  const staff = STATE.me.role !== 'applicant';
  const permits = Object.keys(STATE.defs);
  h(`<h1>${t('new_application')}</h1><form class="card" id="app-form">
    <p><label>${t('permit')} <select name="permit">${permits.map((p) => `<option value="${p}">${esc(permitName(p))}</option>`).join('')}</select></label></p>
    ${staff ? `<p><label>${t('applicant_id')} <input name="applicant_id" value="91320922MA1GAS001X" size="24"></label>
      <label>${t('applicant_name')} <input name="applicant_name" value="滨海华润燃气有限公司" size="24"></label></p>` : ''}
    <h2>${t('facts')}</h2><textarea name="facts"></textarea>
    <h2>${t('materials')}</h2><div id="material-list"></div>
    <p><button type="button" id="precheck" class="secondary">${t('precheck')}</button> <button id="submit-app">${t('submit')}</button></p>
    <div id="precheck-result"></div><div id="commitment-choice"></div></form>`);
  const form = document.getElementById('app-form');
  const fill = () => {
    const p = form.permit.value;
    form.facts.value = JSON.stringify(SAMPLE_FACTS[p] || {}, null, 2);
    document.getElementById('material-list').innerHTML = STATE.defs[p].materials.map((m) =>
      `<label style="display:block"><input type="checkbox" name="material" value="${esc(m.id)}"> ${esc(nameOf(m.name))}</label>`).join('');
  };
  const applicantName = () => (staff ? form.applicant_name.value.trim() : STATE.me.name);
  // 告知承诺: the items the applicant chose to replace by a commitment, and the text it signs for them.
  const committed = () => [...form.querySelectorAll('input[name=commit]:checked')].map((i) => i.value);
  const plain = () => {
    const app = { permit: form.permit.value, facts: JSON.parse(form.facts.value || '{}'),
                  materials: [...form.querySelectorAll('input[name=material]:checked')].map((i) => ({ id: i.value, format: 'pdf', expires_on: '2030-12-31' })) };
    if (staff) app.applicant = { id: form.applicant_id.value.trim(), name: applicantName() };
    return app;
  };
  const application = async () => {
    const app = plain();
    const items = committed();
    if (items.length) {
      const text = commitmentText(app.permit, applicantName(), items);
      app.commitment = { items, signed_by: applicantName(), signed_at: STATE.me.now, text_sha256: await sha256Hex(text) };
    }
    return app;
  };
  const showCommitment = async () => {
    const items = committed();
    const text = items.length ? commitmentText(form.permit.value, applicantName(), items) : '';
    document.getElementById('commitment-text').textContent = text;
    document.getElementById('commitment-hash').textContent = text ? await sha256Hex(text) : '';
  };
  form.permit.addEventListener('change', () => { fill(); document.getElementById('commitment-choice').innerHTML = ''; });
  fill();
  document.getElementById('precheck').addEventListener('click', async () => {
    try {
      const n = await api('POST', '/api/precheck', plain());
      const p = form.permit.value;
      document.getElementById('precheck-result').innerHTML = n.complete ? `<p class="tag">${t('complete')}</p>`
        : `<h2>${t('deficiencies')}</h2><ul>${n.items.map((i) => `<li>${esc(materialName(p, i.material))} — ${esc(pick(PROBLEMS, i.problem))}</li>`).join('')}</ul>`;
      // The items the engine says a commitment could cover (none under the credit gate).
      const eligible = n.commitment_eligible || [];
      const choice = document.getElementById('commitment-choice');
      choice.innerHTML = n.credit_gate ? `<p class="muted">${t('credit_gate')}（${esc(pick(CREDIT_FACTS, n.credit_gate))}）</p>`
        : eligible.length ? `<fieldset id="commitment"><legend>${t('commitment')}: ${t('commit_items')}</legend>
          ${eligible.map((m) => `<label style="display:block"><input type="checkbox" name="commit" value="${esc(m)}"> ${esc(materialName(p, m))}</label>`).join('')}
          <p class="commitment-text" id="commitment-text"></p><p class="muted">${t('text_hash')} <code class="hash" id="commitment-hash"></code></p></fieldset>` : '';
      if (eligible.length && !n.credit_gate) choice.querySelectorAll('input[name=commit]').forEach((i) => i.addEventListener('change', showCommitment));
    } catch (e) { showError(e); }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const c = await api('POST', '/api/applications', await application());
      flash(`${t('received')}: ${c.id}`, true);
      location.hash = '#/case/' + encodeURIComponent(c.id);
    } catch (err) { showError(err); }
  });
}

// --- 消息: the messages the bureau sent about the user's own cases (the feed's notify profile) ---------------
async function viewInbox() {
  const { messages } = await api('GET', '/api/inbox');
  h(`<h1>${t('inbox')}</h1>
    <table id="inbox"><tr><th>${t('case_no')}</th><th>${t('event')}</th><th>${t('channel')}</th><th>${t('message')}</th></tr>
    ${messages.map((m) => `<tr class="row" data-case="${esc(m.case)}" data-seq="${m.seq}"><td>${esc(m.case)}</td>
      <td>${esc(pick(EVENTS, m.type))}</td><td>${esc(pick(CHANNELS, m.channel))}</td>
      <td>${esc(STATE.lang === 'en' && m.text_en ? m.text_en : m.text)}</td></tr>`).join('')
      || `<tr><td colspan="4" class="muted">${t('no_messages')}</td></tr>`}</table>`);
  bindRows();
}

// The feed's delivery on the dashboard: the newest record and how far each durable consumer is behind it.
function feedCard(lag) {
  if (!lag) return '';
  return `<div class="card" id="feed-lag"><h2>${t('feed')}</h2><dl class="kv"><dt>${t('feed_head')}</dt><dd>${lag.head}</dd>
    <dt>${t('feed_pruned')}</dt><dd>${lag.pruned}</dd></dl>
    <table><tr><th>${t('consumer')}</th><th>${t('cursor')}</th><th>${t('lag')}</th></tr>
    ${lag.consumers.map((c) => `<tr data-consumer="${esc(c.name)}"><td>${esc(c.name)}</td><td>${c.cursor}</td><td>${c.lag}</td></tr>`).join('')
      || `<tr><td colspan="3" class="muted">${t('no_consumers')}</td></tr>`}</table></div>`;
}

// --- supervision dashboard -----------------------------------------------------------------------------
function chart(report) {
  const permits = Object.keys(STATE.defs);
  const counts = permits.map((p) => ({ p, y: report.lights.filter((l) => l.permit === p && l.light === 'yellow').length,
                                       r: report.lights.filter((l) => l.permit === p && l.light === 'red').length }));
  const max = Math.max(1, ...counts.map((c) => Math.max(c.y, c.r)));
  const W = 560, H = 220, band = (W - 60) / permits.length, bw = Math.min(40, band / 3);
  const bars = counts.map((c, i) => {
    const x = 50 + i * band + band / 2;
    const hy = (c.y / max) * (H - 70), hr = (c.r / max) * (H - 70);
    return `<rect class="bar yellow" data-permit="${c.p}" data-count="${c.y}" x="${x - bw - 2}" y="${H - 40 - hy}" width="${bw}" height="${hy}" fill="var(--yellow)"/>
      <text x="${x - bw / 2 - 2}" y="${H - 44 - hy}" text-anchor="middle">${c.y}</text>
      <rect class="bar red" data-permit="${c.p}" data-count="${c.r}" x="${x + 2}" y="${H - 40 - hr}" width="${bw}" height="${hr}" fill="var(--red)"/>
      <text x="${x + bw / 2 + 2}" y="${H - 44 - hr}" text-anchor="middle">${c.r}</text>
      <text x="${x}" y="${H - 22}" text-anchor="middle">${esc(permitName(c.p)).slice(0, 12)}</text>`;
  }).join('');
  return `<svg class="chart" id="light-chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(t('chart_title'))}">
    <line x1="45" y1="${H - 40}" x2="${W - 10}" y2="${H - 40}" stroke="#889"/>${bars}
    <rect x="${W - 150}" y="8" width="10" height="10" fill="var(--yellow)"/><text x="${W - 135}" y="17">${esc(pick(LIGHTS, 'yellow'))}</text>
    <rect x="${W - 80}" y="8" width="10" height="10" fill="var(--red)"/><text x="${W - 65}" y="17">${esc(pick(LIGHTS, 'red'))}</text></svg>`;
}
// The complaints on the dashboard: how many are in each state now, this week's events, and per unit what is
// open and late (the weekly report's by_unit and unresolved list).
function complaintDashboard(rep, cases) {
  const byState = {};
  for (const c of cases) byState[c.state] = (byState[c.state] || 0) + 1;
  const units = Object.entries(rep.by_unit || {});
  return `<h2>${t('complaints')}</h2><div class="grid">
    <div class="card"><h2>${t('complaint_states')}</h2><dl class="kv" id="complaint-states">
      ${Object.keys(STATES).filter((s) => byState[s]).map((s) => `<dt>${esc(pick(STATES, s))}</dt><dd data-complaint-state="${s}">${byState[s]}</dd>`).join('') || `<dt>${t('none')}</dt>`}</dl></div>
    <div class="card" id="complaint-report"><h2>${t('counts')}</h2><dl class="kv">
      ${Object.entries(rep.counts || {}).map(([k, n]) => `<dt>${esc(pick(EVENTS, k))}</dt><dd data-complaint-count="${esc(k)}">${n}</dd>`).join('')}
      <dt>${t('unresolved')}</dt><dd data-complaint-count="unresolved">${(rep.unresolved || []).length}</dd></dl></div></div>
    <h2>${t('late_by_unit')}</h2><table id="complaint-units"><tr><th>${t('unit')}</th><th>${t('open')}</th><th>${pick(LIGHTS, 'red')}</th>
      <th>${pick(STATES, 'closed')}</th><th>${pick(STATES, 'returned')}</th><th>${pick(STATES, 'reopened')}</th></tr>
      ${units.map(([u, x]) => `<tr data-unit="${esc(u)}"><td>${esc(unitName(u))}</td><td>${x.open}</td><td data-overdue="${x.overdue}">${x.overdue}</td>
        <td>${x.closed}</td><td>${x.returned}</td><td>${x.reopened}</td></tr>`).join('') || `<tr><td class="muted">${t('none')}</td></tr>`}</table>
    <h2>${t('unresolved')}</h2><table id="complaint-unresolved"><tr><th>${t('light')}</th><th>${t('case_no')}</th><th>${t('category')}</th><th>${t('state')}</th><th>${t('unit')}</th>
      <th>${t('due')}</th><th>${t('days_late')}</th></tr>
      ${(rep.unresolved || []).map((u) => `<tr class="row" data-case="${esc(u.case)}"><td>${light(u.light)}</td><td>${esc(u.case)}</td><td>${esc(categoryName(u.category))}</td>
        <td>${esc(pick(STATES, u.state))}</td><td>${esc(unitName(u.unit))}</td><td>${esc(dueText(u.due))}</td><td>${u.working_days_late}</td></tr>`).join('')}</table>`;
}
// The weekly report's tolerance and commitment parts (docs/contract.md §17): tolerated items pending at the
// week's end, cases terminated in it because they lapsed, commitments still to verify, false ones found.
function commitmentDashboard(report) {
  const names = (permit, items) => esc((items || []).map((m) => materialName(permit, m)).join('、'));
  const table = (id, rows, headers, cells) => (rows.length
    ? `<table id="${id}"><tr>${headers.map((k) => `<th>${t(k)}</th>`).join('')}</tr>${rows.map((r) => `<tr class="row" data-case="${esc(r.case)}">
        <td>${esc(r.case)}</td><td>${esc(permitName(r.permit))}</td><td>${esc(r.applicant)}</td>${cells(r)}</tr>`).join('')}</table>`
    : `<p class="muted" id="${id}">${t('none')}</p>`);
  const base = ['case_no', 'permit', 'applicant'];
  return `<h2>${t('tolerance_week')}</h2>
    <h3>${t('tolerance_pending')} <span class="muted">(${report.tolerance.pending.length})</span></h3>
    ${table('week-tolerance-pending', report.tolerance.pending, [...base, 'outstanding', 'supply_by'],
      (r) => `<td>${names(r.permit, r.outstanding)}</td><td>${esc(r.supply_by || '')}</td>`)}
    <h3>${t('tolerance_lapsed')} <span class="muted">(${report.tolerance.lapsed.length})</span></h3>
    ${table('week-tolerance-lapsed', report.tolerance.lapsed, [...base, 'outstanding', 'terminated_on'],
      (r) => `<td>${names(r.permit, r.outstanding)}</td><td>${esc(r.date)}</td>`)}
    <h3>${t('verification_open')} <span class="muted">(${report.commitment.verification_open.length})</span></h3>
    ${table('week-verification-open', report.commitment.verification_open, [...base, 'committed_items', 'due', 'light'],
      (r) => `<td>${names(r.permit, r.items)}</td><td>${esc(r.due)}</td><td>${light(r.light)}</td>`)}
    <h3>${t('false_commitments')} <span class="muted">(${report.commitment.false_commitments.length})</span></h3>
    ${table('week-false-commitments', report.commitment.false_commitments, [...base, 'committed_items', 'recorded_on'],
      (r) => `<td>${names(r.permit, r.items)}</td><td>${esc(r.recorded_on)}</td>`)}`;
}

async function viewDashboard(query) {
  const week = query.get('week') || STATE.me.now.slice(0, 10);
  const report = await api('GET', '/api/report?week=' + encodeURIComponent(week));
  const complaints = await allCases({ kind: 'complaint' });
  let verify = null;
  try { verify = await api('GET', '/api/verify'); } catch (e) { if (e instanceof StaleView) throw e; verify = null; }
  const lag = await api('GET', '/api/feed/lag');
  const handling = Object.entries(report.handling || {}).map(([p, x]) => `<tr><td>${esc(permitName(p))}</td><td>${x.count}</td>
    <td>${x.mean ?? '—'}</td><td>${x.p90 ?? '—'}</td><td>${x.promised_limit}</td><td>${x.over}</td></tr>`).join('');
  h(`<h1>${t('dashboard')}</h1>
    <form class="filters card" id="week-form"><label>${t('week')} <input type="date" name="week" value="${esc(week)}"></label>
      <span>${esc(report.week.from.slice(0, 10))} – ${esc(report.week.to.slice(0, 10))}</span>
      <a href="#" id="csv">${t('download_csv')}</a>
      ${STATE.me.admin ? `<span>${STATE.me.fixed_clock ? `<input name="now" id="run-due-now" value="${esc(STATE.me.now)}" size="26">` : ''}
        <button type="button" id="run-due" class="secondary">${t('run_due')}</button></span>` : ''}</form>
    <div class="grid"><div class="card"><h2>${t('counts')}</h2><dl class="kv" id="counts">
      ${['received', 'accepted', 'decided', 'issued'].map((k) => `<dt>${t(k)}</dt><dd data-count="${k}">${report.counts[k]}</dd>`).join('')}
      ${verify ? `<dt>${t('verify')}</dt><dd>${verify.ok ? '✓' : '✗'} ${verify.events_checked}</dd>` : ''}</dl></div>
      <div class="card"><h2>${t('chart_title')}</h2>${chart(report)}</div>${feedCard(lag)}</div>
    <h2>${t('late_cases')}</h2><table id="late"><tr><th>${t('light')}</th><th>${t('case_no')}</th><th>${t('permit')}</th><th>${t('applicant')}</th>
      <th>${t('due')}</th><th>${t('responsible')}</th><th>${t('days_late')}</th></tr>
      ${report.lights.map((l) => `<tr class="row" data-case="${esc(l.case)}"><td>${light(l.light)}</td><td>${esc(l.case)}</td><td>${esc(permitName(l.permit))}</td>
        <td>${esc(l.applicant)}</td><td>${esc(l.due)}</td><td>${esc(deptName(l.permit, l.department))}</td><td>${l.working_days_late}</td></tr>`).join('')}</table>
    <h2>${t('suspended_cases')}</h2><table>${report.suspended.map((s) => `<tr class="row" data-case="${esc(s.case)}"><td>${esc(s.case)}</td><td>${esc(permitName(s.permit))}</td>
      <td>${esc(reasonName(s.reason))}</td><td>${esc(s.from)}</td><td>${s.suspended_working_days}/${s.expected_working_days}</td></tr>`).join('') || `<tr><td class="muted">${t('none')}</td></tr>`}</table>
    ${report.tolerance ? commitmentDashboard(report) : ''}
    ${report.complaints ? complaintDashboard(report.complaints, complaints) : ''}
    <h2>${t('handling')}</h2><table><tr><th>${t('permit')}</th><th>${t('count')}</th><th>${t('mean')}</th><th>${t('p90')}</th><th>${t('limit')}</th><th>${t('over')}</th></tr>${handling}</table>`);
  document.getElementById('week-form').week.addEventListener('change', (e) => { location.hash = '#/dashboard?week=' + e.target.value; });
  document.getElementById('csv').addEventListener('click', async (e) => {
    e.preventDefault();
    const res = await fetch('/api/report?format=csv&week=' + encodeURIComponent(week), { credentials: 'same-origin' });
    const url = URL.createObjectURL(new Blob([await res.text()], { type: 'text/csv' }));
    const a = document.createElement('a'); a.href = url; a.download = `report-${week}.csv`; a.click();
  });
  const run = document.getElementById('run-due');
  if (run) run.addEventListener('click', async () => {
    try {
      const nowInput = document.getElementById('run-due-now');
      const out = await api('POST', '/api/run-due', nowInput ? { now: nowInput.value.trim() } : {});
      STATE.me.now = out.now;
      await route();
      flash(`${t('run_due')}: ${out.fired.length} ${t('fired')}`, true);
    } catch (e) { showError(e); }
  });
  bindRows();
}

// --- router ----------------------------------------------------------------------------------------
// Marks #view with the hash it shows once its view is rendered (data-shown), so a test knows when to look.
async function route() {
  const seq = STATE.seq = (STATE.seq || 0) + 1;
  leaveView();
  const view = document.getElementById('view');
  view.dataset.loading = '1';
  try {
    await showRoute();
  } finally {
    if (seq === STATE.seq) { view.dataset.shown = location.hash; delete view.dataset.loading; }
  }
}
async function showRoute() {
  const [path, qs] = (location.hash.slice(1) || '/').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(qs || '');
  if (!STATE.me && STATE.session !== false) {
    // A session cookie from before a reload signs in again; /api/portal said whether there is one, so a page
    // without one asks nothing that answers 401.
    try { await loadMe(); } catch (e) { STATE.me = null; }
    STATE.session = STATE.me ? true : false;
  }
  renderChrome();
  if (!STATE.me) return viewSignin();
  try {
    switch (parts[0]) {
      case 'case': return await viewCase(parts[1]);
      case 'notice': return await viewNotice(parts[1], parts[2]);
      case 'certificate': return await viewCertificate(parts[1]);
      case 'review': return await viewReview();
      case 'head': return await viewHead();
      case 'verification': return await viewVerification();
      case 'dashboard': return await viewDashboard(query);
      case 'new': return viewNew();
      case 'queue': return await viewQueue(query);
      case 'complaints': return await viewComplaints(query);
      case 'report': return viewReport();
      case 'inbox': return await viewInbox();
      default: history.replaceState(null, '', '#/queue'); renderChrome(); return await viewQueue(new URLSearchParams());
    }
  } catch (e) {
    if (e instanceof StaleView) return undefined;
    showError(e);
    if (e.status === 401) { STATE.me = null; STATE.csrf = ''; STATE.session = false; }
    return undefined;
  }
}

document.getElementById('lang').addEventListener('click', () => {
  STATE.lang = STATE.lang === 'en' ? 'zh' : 'en';
  localStorage.setItem('pf.lang', STATE.lang);
  route();
});
document.getElementById('signout').addEventListener('click', async () => {
  leaveView();
  try { await api('POST', '/api/logout'); } catch (e) { /* already ended on the server */ }
  STATE.csrf = ''; STATE.me = null; STATE.session = false; flash('');
  location.hash = '#/signin';
  route();
});
window.addEventListener('hashchange', () => { flash(''); route(); });
loadPortal().then(route);
