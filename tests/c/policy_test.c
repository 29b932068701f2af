/* What an actor may see and do, through the C API from C (docs/policy.md): pf_get_case_as / pf_history_as and
 * "allowed_commands", command ids scoped to the actor (one applicant reusing another's id on submit and on
 * execute), the reviewer's inspection only on permits of its department, reporters filing only through the
 * portal or WeChat, reporters' names withheld from other roles, and the weekly report per role. Every refusal
 * is checked to leave the database as it was: the case's history and the ledger's event count are compared
 * before and after. Documents are compact JSON, so values are found with strstr on `"key":value`. */
#define _POSIX_C_SOURCE 200809L

#include <unistd.h>

#include "c_test_support.h"

static int has(const char* doc, const char* fragment) { return doc != NULL && strstr(doc, fragment) != NULL; }

static const char* VICTIM = "{\"id\":\"91320922VICTIM0001\",\"role\":\"applicant\"}";
static const char* ATTACKER = "{\"id\":\"91320922ATTACK0001\",\"role\":\"applicant\"}";
static const char* CLERK = "{\"id\":\"clerk-1\",\"role\":\"clerk\"}";
static const char* OWN_REVIEWER =
    "{\"id\":\"rev-tp\",\"role\":\"reviewer\",\"department\":\"traffic_police\"}";
static const char* OTHER_REVIEWER =
    "{\"id\":\"rev-mr\",\"role\":\"reviewer\",\"department\":\"municipal_roads\"}";
static const char* DISPATCHER = "{\"id\":\"clerk-li\",\"role\":\"dispatcher\"}";
static const char* LEADER = "{\"id\":\"deputy-wang\",\"role\":\"leader\"}";
static const char* SANITATION = "{\"id\":\"staff-s\",\"role\":\"handler\",\"unit\":\"sanitation\"}";
static const char* ENFORCEMENT = "{\"id\":\"staff-e\",\"role\":\"handler\",\"unit\":\"law_enforcement\"}";
static const char* RESIDENT = "{\"id\":\"resident-7\",\"role\":\"reporter\"}";

/* A construction-waste application by `actor` (an applicant, in its own name) with `materials`. */
static const char* application(const char* actor, const char* when, const char* materials,
                               const char* extra) {
  const char* id = strstr(actor, "\"id\":\"") + 6;
  return fmt(
      "{\"permit\":\"construction_waste\",\"applicant\":{\"id\":\"%.*s\",\"name\":\"某工程公司\"},"
      "\"actor\":%s,\"at\":\"%s\",\"facts\":{\"volume_m3\":300,\"route\":\"城东路\",\"disposal_site\":"
      "\"城东消纳场\",\"vehicles\":[{\"plate\":\"苏J67890\",\"enclosed\":true,\"recorder\":true}]},"
      "\"materials\":%s%s}",
      (int)(strchr(id, '"') - id), id, actor, when, materials, extra);
}

/* The string value of `"key":"…"` in a document (static buffer, "" when absent). The key is found after a
 * comma, so a top-level "id" is not mistaken for the first key of the applicant or reporter object. */
static const char* text_of(const char* doc, const char* key) {
  static char out[256];
  const char* needle = fmt(",\"%s\":\"", key);
  const char* p = doc ? strstr(doc, needle) : NULL;
  size_t i = 0;
  out[0] = 0;
  if (!p) return out;
  p += strlen(needle);
  while (p[i] && p[i] != '"' && i + 1 < sizeof out) {
    out[i] = p[i];
    ++i;
  }
  out[i] = 0;
  return out;
}

static long ledger_count(pf_engine* e) {
  char* v = NULL;
  long n = -1;
  if (pf_verify(e, &v) == PF_OK) {
    const char* p = strstr(v, "\"ledger_count\":");
    if (p) n = strtol(p + 15, NULL, 10);
    CHECK(has(v, "\"ok\":true"));
  }
  pf_free(v);
  return n;
}

static char* history(pf_engine* e, const char* id) {
  char* h = NULL;
  REQUIRE(pf_history(e, id, &h) == PF_OK);
  return h;
}

/* Submits; must succeed. Returns the document (caller frees). */
static char* submit(pf_engine* e, const char* app, int line) {
  char* doc = NULL;
  const pf_status s = pf_submit(e, app, &doc);
  ++checks;
  if (s != PF_OK) {
    ++failures;
    fprintf(stderr, "%s:%d: submit failed (%d: %s): %s\n", __FILE__, line, (int)s, pf_last_error(), app);
  }
  return doc;
}
#define SUBMIT(e, app) submit(e, app, __LINE__)

static char* run(pf_engine* e, const char* id, const char* cmd, int line) {
  char* doc = NULL;
  const pf_status s = pf_execute(e, id, cmd, &doc);
  ++checks;
  if (s != PF_OK) {
    ++failures;
    fprintf(stderr, "%s:%d: command failed (%d: %s) on %s: %s\n", __FILE__, line, (int)s, pf_last_error(), id,
            cmd);
  }
  return doc;
}
#define RUN(e, id, cmd) run(e, id, cmd, __LINE__)

/* A command refused with `want` that leaves the case's history and the ledger exactly as they were. */
static void refused(pf_engine* e, const char* id, const char* cmd, pf_status want, int line) {
  char* before = history(e, id);
  const long count = ledger_count(e);
  char* out = NULL;
  const pf_status s = pf_execute(e, id, cmd, &out);
  char* after = history(e, id);
  ++checks;
  if (s != want || out != NULL) {
    ++failures;
    fprintf(stderr, "%s:%d: expected status %d, got %d (%s) on %s: %s\n", __FILE__, line, (int)want, (int)s,
            pf_last_error(), id, cmd);
  }
  ++checks;
  if (strcmp(before, after) != 0 || ledger_count(e) != count) {
    ++failures;
    fprintf(stderr, "%s:%d: a refused command changed the database (case %s)\n", __FILE__, line, id);
  }
  pf_free(before);
  pf_free(after);
  pf_free(out);
}
#define REFUSED(e, id, cmd, want) refused(e, id, cmd, want, __LINE__)

/* pf_get_case_as: the document, or NULL with `want` as the status. */
static char* get_as(pf_engine* e, const char* id, const char* actor, pf_status want, int line) {
  char* doc = NULL;
  const pf_status s = pf_get_case_as(e, id, actor, &doc);
  ++checks;
  if (s != want || (s != PF_OK && doc != NULL)) {
    ++failures;
    fprintf(stderr, "%s:%d: pf_get_case_as(%s, %s) gave %d (%s), expected %d\n", __FILE__, line, id, actor,
            (int)s, pf_last_error(), (int)want);
  }
  return doc;
}
#define GET_AS(e, id, actor, want) get_as(e, id, actor, want, __LINE__)

static const char* cmd(const char* type, const char* actor, const char* when, const char* extra) {
  return fmt("{\"type\":\"%s\",\"actor\":%s,\"at\":\"%s\"%s%s}", type, actor, when, extra[0] ? "," : "",
             extra);
}

/* The materials that make the application complete: every item precheck names, as a PDF. */
static const char* complete_materials(pf_engine* e, const char* when) {
  static char list[8192];
  int round;
  strcpy(list, "[]");
  for (round = 0; round < 10; ++round) {
    char* notice = NULL;
    const char* p;
    REQUIRE(pf_precheck(e, application(VICTIM, when, list, ""), &notice) == PF_OK);
    if (has(notice, "\"complete\":true")) {
      pf_free(notice);
      return list;
    }
    list[strlen(list) - 1] = 0; /* drop the closing bracket */
    for (p = strstr(notice, "\"material\":\""); p; p = strstr(p, "\"material\":\"")) {
      const char* name = p + 12;
      const int len = (int)(strchr(name, '"') - name);
      p = name + len;
      if (strncmp(name, "fact:", 5) == 0) continue;
      snprintf(list + strlen(list), sizeof list - strlen(list),
               "%s{\"id\":\"%.*s\",\"format\":\"pdf\",\"expires_on\":\"2030-12-31\"}",
               strlen(list) > 1 ? "," : "", len, name);
    }
    strcat(list, "]");
    pf_free(notice);
  }
  fprintf(stderr, "precheck never said complete\n");
  exit(1);
}

static void command_ids_are_per_actor(pf_engine* e) {
  char *v1, *a1, *again, *a2, *v2, *out, *before;
  char v1_id[128], a2_id[128], v2_id[128];
  long count;
  strcpy(current_case, "command ids");

  /* The victim submits with an id; the attacker's submission with the same id is its own new case. */
  v1 = SUBMIT(e, application(VICTIM, "2026-06-01T09:00:00+08:00", "[]", ",\"command_id\":\"portal-1\""));
  snprintf(v1_id, sizeof v1_id, "%s", text_of(v1, "id"));
  count = ledger_count(e);
  a1 = SUBMIT(e, application(ATTACKER, "2026-06-01T09:05:00+08:00", "[]", ",\"command_id\":\"portal-1\""));
  CHECK(strcmp(text_of(a1, "id"), v1_id) != 0);
  CHECK(!has(a1, "91320922VICTIM0001"));
  CHECK(has(a1, "91320922ATTACK0001"));
  CHECK(ledger_count(e) == count + 1);
  /* The victim's retry is answered with its own case, and writes nothing. */
  count = ledger_count(e);
  again = SUBMIT(e, application(VICTIM, "2026-06-01T09:10:00+08:00", "[]", ",\"command_id\":\"portal-1\""));
  CHECK(strcmp(text_of(again, "id"), v1_id) == 0);
  CHECK(ledger_count(e) == count);

  /* The attacker claims an id first: the victim's later submission with it still creates the victim's case.
   */
  a2 = SUBMIT(e, application(ATTACKER, "2026-06-01T09:20:00+08:00", "[]", ",\"command_id\":\"portal-2\""));
  snprintf(a2_id, sizeof a2_id, "%s", text_of(a2, "id"));
  count = ledger_count(e);
  v2 = SUBMIT(e, application(VICTIM, "2026-06-01T09:30:00+08:00", "[]", ",\"command_id\":\"portal-2\""));
  snprintf(v2_id, sizeof v2_id, "%s", text_of(v2, "id"));
  CHECK(v2_id[0] != 0 && strcmp(v2_id, a2_id) != 0);
  CHECK(has(v2, "91320922VICTIM0001") && !has(v2, "91320922ATTACK0001"));
  CHECK(ledger_count(e) == count + 1);

  /* On execute: the victim withdraws v2 with an id. The attacker's same id on the victim's case is refused
   * and changes nothing; on its own case it is a new command that runs there. */
  pf_free(RUN(e, v2_id, cmd("withdraw", VICTIM, "2026-06-01T10:00:00+08:00", "\"command_id\":\"w-1\"")));
  REFUSED(e, v2_id, cmd("withdraw", ATTACKER, "2026-06-01T10:05:00+08:00", "\"command_id\":\"w-1\""),
          PF_PERMISSION_DENIED);
  REFUSED(e, v1_id, cmd("withdraw", ATTACKER, "2026-06-01T10:05:00+08:00", "\"command_id\":\"w-1\""),
          PF_PERMISSION_DENIED);
  before = history(e, v2_id);
  out = RUN(e, a2_id, cmd("withdraw", ATTACKER, "2026-06-01T10:10:00+08:00", "\"command_id\":\"w-1\""));
  CHECK(strcmp(text_of(out, "id"), a2_id) == 0);
  CHECK(strcmp(text_of(out, "state"), "withdrawn") == 0);
  CHECK(!has(out, "91320922VICTIM0001"));
  pf_free(out);
  out = history(e, v2_id);
  CHECK(strcmp(before, out) == 0); /* the victim's case is untouched */
  pf_free(out);
  pf_free(before);
  /* The victim's retry answers its case as it stands and writes nothing. */
  count = ledger_count(e);
  out = RUN(e, v2_id, cmd("withdraw", VICTIM, "2026-06-01T10:00:00+08:00", "\"command_id\":\"w-1\""));
  CHECK(strcmp(text_of(out, "id"), v2_id) == 0);
  CHECK(ledger_count(e) == count);
  pf_free(out);

  pf_free(v1);
  pf_free(a1);
  pf_free(again);
  pf_free(a2);
  pf_free(v2);
}

static void reads_with_an_actor(pf_engine* e) {
  char *doc, *kase, *h = NULL;
  char id[128];
  strcpy(current_case, "reads");
  kase = SUBMIT(e, application(VICTIM, "2026-06-02T09:00:00+08:00", "[]", ""));
  snprintf(id, sizeof id, "%s", text_of(kase, "id"));

  doc = GET_AS(e, id, VICTIM, PF_OK);
  CHECK(has(doc, "\"allowed_commands\":[\"withdraw\"]"));
  pf_free(doc);
  doc = GET_AS(e, id, CLERK, PF_OK);
  CHECK(has(doc, "\"allowed_commands\":[\"accept\",\"request_correction\",\"reject\"]"));
  pf_free(doc);
  doc = GET_AS(e, id, OWN_REVIEWER, PF_OK);
  CHECK(has(doc, "\"allowed_commands\":[]")); /* nothing to review before acceptance */
  pf_free(doc);
  doc = GET_AS(e, id, "{\"id\":\"sup\",\"role\":\"supervisor\"}", PF_OK);
  CHECK(has(doc, "\"allowed_commands\":[]"));
  pf_free(doc);
  pf_free(GET_AS(e, id, ATTACKER, PF_PERMISSION_DENIED));
  pf_free(GET_AS(e, id, OTHER_REVIEWER, PF_PERMISSION_DENIED));
  pf_free(GET_AS(e, id, DISPATCHER, PF_PERMISSION_DENIED)); /* complaint staff see no permits */
  pf_free(GET_AS(e, id, "{\"id\":\"x\"}", PF_INVALID_ARGUMENT));
  pf_free(GET_AS(e, "no-such-case", VICTIM, PF_NOT_FOUND));
  CHECK(pf_get_case_as(e, id, NULL, &h) == PF_INVALID_ARGUMENT && h == NULL);

  CHECK(pf_history_as(e, id, ATTACKER, &h) == PF_PERMISSION_DENIED && h == NULL);
  CHECK(pf_history_as(e, id, VICTIM, &h) == PF_OK && has(h, "\"type\":\"submitted\""));
  pf_free(h);
  /* The reads without an actor are as they were. */
  CHECK(pf_get_case(e, id, &h) == PF_OK && !has(h, "allowed_commands"));
  pf_free(h);
  pf_free(kase);
}

static void reviewer_inspects_only_its_departments_permits(pf_engine* e) {
  char *kase, *doc;
  char id[128];
  strcpy(current_case, "inspection");
  kase = SUBMIT(e, application(VICTIM, "2026-06-03T09:00:00+08:00",
                               complete_materials(e, "2026-06-03T09:00:00+08:00"), ""));
  snprintf(id, sizeof id, "%s", text_of(kase, "id"));
  pf_free(RUN(e, id, cmd("accept", CLERK, "2026-06-03T10:00:00+08:00", "")));
  REFUSED(e, id,
          cmd("record_inspection", OTHER_REVIEWER, "2026-06-03T11:00:00+08:00",
              "\"inspectors\":[\"i-1\",\"i-2\"],\"findings\":\"ok\""),
          PF_PERMISSION_DENIED);
  doc = GET_AS(e, id, OWN_REVIEWER, PF_OK);
  CHECK(has(doc, "\"allowed_commands\":[\"record_opinion\",\"record_inspection\"]"));
  pf_free(doc);
  doc = RUN(e, id,
            cmd("record_inspection", OWN_REVIEWER, "2026-06-03T11:00:00+08:00",
                "\"inspectors\":[\"i-1\",\"i-2\"],\"findings\":\"ok\""));
  CHECK(has(doc, "\"findings\":\"ok\""));
  pf_free(doc);
  pf_free(kase);
}

static const char* complaint(const char* actor, const char* reporter, const char* source, const char* when) {
  return fmt(
      "{\"kind\":\"complaint\",\"category\":\"exposed_garbage\",\"reporter\":{\"id\":\"%s\",\"name\":"
      "\"王小明\"},\"actor\":%s,\"at\":\"%s\",\"source\":\"%s\",\"description\":\"垃圾\",\"location\":"
      "\"人民路1号\"}",
      reporter, actor, when, source);
}

static void complaints(pf_engine* e) {
  char *kase, *doc, *out = NULL;
  char id[128];
  long count;
  strcpy(current_case, "complaints");
  /* A resident files through the portal or WeChat only; other sources are staff's. */
  count = ledger_count(e);
  CHECK(pf_submit(e, complaint(RESIDENT, "resident-7", "referral", "2026-12-07T09:00:00+08:00"), &out) ==
        PF_PERMISSION_DENIED);
  CHECK(out == NULL && strstr(pf_last_error(), "source") != NULL);
  CHECK(pf_submit(e, complaint(RESIDENT, "resident-7", "patrol", "2026-12-07T09:00:00+08:00"), &out) ==
        PF_PERMISSION_DENIED);
  CHECK(ledger_count(e) == count);
  kase = SUBMIT(e, complaint(RESIDENT, "resident-7", "wechat", "2026-12-07T09:00:00+08:00"));
  snprintf(id, sizeof id, "%s", text_of(kase, "id"));
  CHECK(has(kase, "王小明")); /* the reporter's own answer names it */

  /* Before dispatch no handler sees it; the leader sees it without the reporter. */
  pf_free(GET_AS(e, id, SANITATION, PF_PERMISSION_DENIED));
  doc = GET_AS(e, id, LEADER, PF_OK);
  CHECK(!has(doc, "王小明") && !has(doc, "resident-7") && has(doc, "\"reporter\":{\"withheld\":true}"));
  pf_free(doc);
  CHECK(pf_history_as(e, id, LEADER, &out) == PF_OK && !has(out, "王小明") && !has(out, "resident-7"));
  pf_free(out);
  pf_free(GET_AS(e, id, CLERK, PF_PERMISSION_DENIED)); /* permit staff see no complaints */
  doc = GET_AS(e, id, DISPATCHER, PF_OK);
  CHECK(has(doc, "王小明") && has(doc, "\"allowed_commands\":[\"register\"]"));
  pf_free(doc);

  pf_free(RUN(e, id, cmd("register", DISPATCHER, "2026-12-07T09:10:00+08:00", "\"verified\":true")));
  doc = RUN(e, id, cmd("dispatch", DISPATCHER, "2026-12-07T09:20:00+08:00", ""));
  CHECK(has(doc, "王小明"));
  pf_free(doc);
  doc = GET_AS(e, id, SANITATION, PF_OK);
  CHECK(has(doc, "王小明") && has(doc, "\"allowed_commands\":[\"return\",\"start_handling\",\"escalate\"]"));
  pf_free(doc);
  pf_free(GET_AS(e, id, ENFORCEMENT, PF_PERMISSION_DENIED));
  /* A leader's command is answered without the reporter. */
  doc = RUN(e, id, cmd("escalate", LEADER, "2026-12-07T09:30:00+08:00", "\"reason\":\"重大\""));
  CHECK(!has(doc, "王小明") && has(doc, "\"state\":\"escalated\""));
  pf_free(doc);

  /* The weekly report per role: the unit's own complaints, names only where allowed. */
  CHECK(pf_report(e,
                  "{\"week\":\"2026-12-07\",\"actor\":"
                  "{\"id\":\"staff-e\",\"role\":\"handler\",\"unit\":\"law_enforcement\"}}",
                  &out) == PF_OK);
  CHECK(!has(out, id) && !has(out, "\"sanitation\""));
  pf_free(out);
  CHECK(pf_report(e, fmt("{\"week\":\"2026-12-07\",\"actor\":%s}", SANITATION), &out) == PF_OK);
  CHECK(has(out, id) && has(out, "王小明"));
  pf_free(out);
  CHECK(pf_report(e, fmt("{\"week\":\"2026-12-07\",\"actor\":%s}", LEADER), &out) == PF_OK);
  CHECK(has(out, id) && !has(out, "王小明"));
  pf_free(out);
  CHECK(pf_report(e, fmt("{\"week\":\"2026-12-07\",\"actor\":%s}", CLERK), &out) == PF_OK);
  CHECK(!has(out, id));
  pf_free(out);
  pf_free(kase);
}

int main(void) {
  char dir_template[] = "/tmp/pf-c-policy-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  pf_engine* e = NULL;
  REQUIRE(dir != NULL);
  REQUIRE(pf_open(fmt("{\"database\": \"%s/policy.db\"}", dir), &e) == PF_OK);
  command_ids_are_per_actor(e);
  reads_with_an_actor(e);
  reviewer_inspects_only_its_departments_permits(e);
  complaints(e);
  CHECK(ledger_count(e) > 0);
  pf_close(e);
  unlink(fmt("%s/policy.db", dir));
  unlink(fmt("%s/policy.db-wal", dir));
  unlink(fmt("%s/policy.db-shm", dir));
  rmdir(dir);
  printf("%d checks, %d failures\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
