// The peer of permitflow's in-memory lifecycle figure (docs/performance.md): the same 9-event road-excavation
// case (submitted, correction requested, resubmitted, accepted, two opinions, inspection, decided, certificate
// issued) through an XState 5 machine with the same states, JSON in and out per call like permitflow's JSON
// path: each command arrives as text, is parsed, sent to the actor, and the case (state and context) is
// written back as text. Guards check the role and the co-approvals, as permitflow's chart does.
//
//   node --expose-gc xstate_lifecycle.mjs [--cases N] [--live N]
// prints one JSON line: {"peer":"xstate","version","cases","events","seconds","events_per_s","bytes_per_actor"}
import { assign, createActor, createMachine } from 'xstate';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { version } = require('xstate/package.json');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const cases = arg('--cases', 20000);
const live = arg('--live', 10000);

const isRole = (...roles) => ({ event }) => roles.includes(event.actor.role);
const departments = ['municipal_roads', 'traffic_police'];

const machine = createMachine({
  id: 'road_excavation',
  initial: 'submitted',
  context: ({ input }) => ({ ...input, items: [], opinions: {}, inspections: [], decision: null, certificate: null }),
  states: {
    submitted: {
      on: {
        request_correction: { guard: isRole('clerk', 'head'), target: 'awaiting_correction',
          actions: assign({ items: ({ event }) => event.items ?? [{ material: 'planning_approval', problem: 'missing' }] }) },
        accept: { guard: isRole('clerk', 'head'), target: 'under_review',
          actions: assign({ accepted_on: ({ event }) => event.at.slice(0, 10) }) },
        reject: { guard: isRole('clerk', 'head'), target: 'not_accepted' },
        withdraw: { guard: isRole('applicant'), target: 'withdrawn' },
      },
    },
    awaiting_correction: {
      on: {
        resubmit: { guard: isRole('applicant'), target: 'submitted',
          actions: assign({ materials: ({ context, event }) => [...context.materials, ...event.materials] }) },
        withdraw: { guard: isRole('applicant'), target: 'withdrawn' },
      },
    },
    under_review: {
      on: {
        record_opinion: { guard: ({ event }) => event.actor.role === 'reviewer' && event.actor.department === event.department,
          actions: assign({ opinions: ({ context, event }) => ({ ...context.opinions, [event.department]: event.opinion }) }) },
        record_inspection: { guard: isRole('clerk', 'head', 'reviewer'),
          actions: assign({ inspections: ({ context, event }) => [...context.inspections, { inspectors: event.inspectors, findings: event.findings }] }) },
        suspend: { guard: isRole('clerk', 'head'), target: 'suspended' },
        decide: [
          { guard: ({ context, event }) => event.actor.role === 'head' && event.outcome === 'approved' &&
              departments.every((d) => context.opinions[d] === 'approve'),
            target: 'approved', actions: assign({ decision: ({ event }) => ({ outcome: event.outcome, at: event.at }) }) },
          { guard: ({ event }) => event.actor.role === 'head' && event.outcome === 'denied', target: 'denied' },
        ],
        withdraw: { guard: isRole('applicant'), target: 'withdrawn' },
      },
    },
    suspended: { on: { resume: { guard: isRole('clerk', 'head'), target: 'under_review' } } },
    approved: {
      on: {
        issue_certificate: { guard: isRole('clerk', 'head'), target: 'issued',
          actions: assign({ certificate: ({ event }) => ({ issued_on: event.at.slice(0, 10) }) }) },
      },
    },
    issued: { on: { revoke: { guard: isRole('head'), target: 'revoked' }, close: { guard: isRole('clerk', 'head'), target: 'closed' } } },
    not_accepted: { type: 'final' }, denied: { type: 'final' }, withdrawn: { type: 'final' },
    revoked: { type: 'final' }, closed: { type: 'final' },
  },
});

const at = (day, hm) => `${day}T${hm}:00+08:00`;
const clerk = { id: 'clerk-1', role: 'clerk' };
const head = { id: 'head-1', role: 'head' };
const applicant = { id: '91320922MA1TEST01X', role: 'applicant' };
const reviewer = (d) => ({ id: `rev-${d}`, role: 'reviewer', department: d });
const commands = [
  { type: 'request_correction', actor: clerk, at: at('2026-06-02', '10:00') },
  { type: 'resubmit', actor: applicant, at: at('2026-06-03', '10:00'), materials: [{ id: 'planning_approval', format: 'pdf' }] },
  { type: 'accept', actor: clerk, at: at('2026-06-03', '15:00') },
  { type: 'record_opinion', actor: reviewer('municipal_roads'), at: at('2026-06-04', '12:00'), department: 'municipal_roads', opinion: 'approve' },
  { type: 'record_opinion', actor: reviewer('traffic_police'), at: at('2026-06-04', '12:00'), department: 'traffic_police', opinion: 'approve' },
  { type: 'record_inspection', actor: clerk, at: at('2026-06-05', '15:00'), inspectors: ['insp-1', 'insp-2'], findings: '现场核查符合' },
  { type: 'decide', actor: head, at: at('2026-06-05', '16:00'), outcome: 'approved' },
  { type: 'issue_certificate', actor: clerk, at: at('2026-06-08', '10:00') },
].map((c) => JSON.stringify(c));
const application = JSON.stringify({
  permit: 'road_excavation', applicant: { id: applicant.id, name: '滨海华润燃气有限公司' }, actor: applicant,
  at: at('2026-06-01', '09:00'), materials: [{ id: 'application_form', format: 'pdf' }],
  facts: { road_opened_on: '2012-05-01', planned_start: '2026-07-01', planned_end: '2026-07-20', on_carriageway: true, emergency: false },
});

// One case: the application and every command as text in, the case as text out after each; 9 events.
function runCase(id) {
  const input = JSON.parse(application);
  const actor = createActor(machine, { input: { id, ...input } });
  actor.start();
  let out = JSON.stringify({ state: actor.getSnapshot().value, ...actor.getSnapshot().context });
  for (const text of commands) {
    actor.send(JSON.parse(text));
    const snap = actor.getSnapshot();
    out = JSON.stringify({ state: snap.value, ...snap.context });
  }
  if (actor.getSnapshot().value !== 'issued') throw new Error(`case ended in ${actor.getSnapshot().value}: ${out}`);
  return actor;
}

for (let i = 0; i < 2000; ++i) runCase(`warm-${i}`).stop();
const t0 = process.hrtime.bigint();
for (let i = 0; i < cases; ++i) runCase(`case-${i}`).stop();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

// Bytes per live actor: `live` started actors held at once, heap measured around them after a full GC.
let bytesPerActor = null;
if (typeof globalThis.gc === 'function') {
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  const held = [];
  for (let i = 0; i < live; ++i) held.push(runCase(`live-${i}`));
  globalThis.gc();
  bytesPerActor = Math.round((process.memoryUsage().heapUsed - before) / held.length);
  held.length = 0;
}
console.log(JSON.stringify({ peer: 'xstate', version, cases, events: cases * 9, seconds: +seconds.toFixed(3),
  events_per_s: Math.round((cases * 9) / seconds), bytes_per_actor: bytesPerActor }));
