/* The complaint kind (城管快速服务, docs/complaints.md) driven through the C API from C: a complaint of every
 * category through every path (normal; returned and re-dispatched; check failed; extension; escalation
 * with a supervising deputy; a bad rating that reopens it), refusals that change nothing, the exact
 * working-hour due of the issue, the queue query and the weekly report's complaints section.
 * The C API gains no function for this: the kind is in the application's JSON. Documents are compact
 * JSON with sorted keys, so values are found with strstr on `"key":value`. */
#define _POSIX_C_SOURCE 200809L

#include <unistd.h>

#include "c_test_support.h"

static int has(const char* doc, const char* fragment) { return doc != NULL && strstr(doc, fragment) != NULL; }

/* Runs a command that must succeed; returns the case document (caller frees). */
static char* run(pf_engine* e, const char* id, const char* cmd, int line) {
  char* out = NULL;
  const pf_status s = pf_execute(e, id, cmd, &out);
  ++checks;
  if (s != PF_OK) {
    ++failures;
    fprintf(stderr, "%s:%d: command failed (%d: %s) on %s: %s\n", __FILE__, line, (int)s, pf_last_error(),
            current_case, cmd);
  }
  return out;
}
#define RUN(e, id, cmd) run(e, id, cmd, __LINE__)

/* A command that must be refused with `want`, leaving the case's version as it was. */
static void refused(pf_engine* e, const char* id, const char* cmd, pf_status want, int line) {
  char* before = NULL;
  char* after = NULL;
  char* out = NULL;
  pf_get_case(e, id, &before);
  const pf_status s = pf_execute(e, id, cmd, &out);
  pf_get_case(e, id, &after);
  ++checks;
  if (s != want || out != NULL || strlen(pf_last_error()) == 0) {
    ++failures;
    fprintf(stderr, "%s:%d: expected status %d, got %d (%s) on %s: %s\n", __FILE__, line, (int)want, (int)s,
            pf_last_error(), current_case, cmd);
  }
  ++checks;
  if (before == NULL || after == NULL || strcmp(before, after) != 0) {
    ++failures;
    fprintf(stderr, "%s:%d: a refused command changed the case %s\n", __FILE__, line, current_case);
  }
  pf_free(before);
  pf_free(after);
  pf_free(out);
}
#define REFUSED(e, id, cmd, want) refused(e, id, cmd, want, __LINE__)

static const char* state_of(const char* doc, char* out, size_t n) {
  const char* p = doc ? strstr(doc, "\"state\":\"") : NULL;
  if (!p) return "";
  p += 9;
  size_t i = 0;
  while (p[i] && p[i] != '"' && i + 1 < n) {
    out[i] = p[i];
    ++i;
  }
  out[i] = 0;
  return out;
}

static void expect_state(const char* doc, const char* state, int line) {
  char s[64];
  ++checks;
  if (strcmp(state_of(doc, s, sizeof s), state) != 0) {
    ++failures;
    fprintf(stderr, "%s:%d: %s is '%s', expected '%s'\n", __FILE__, line, current_case, s, state);
  }
}
#define STATE(doc, state) expect_state(doc, state, __LINE__)

/* ---- the actors and the clock ------------------------------------------------------------------------ */

static const char* DISPATCHER = "{\"id\":\"clerk-li\",\"role\":\"dispatcher\"}";
static const char* LEADER = "{\"id\":\"deputy-director-wang\",\"role\":\"leader\"}";

static const char* handler(const char* unit) {
  return fmt("{\"id\":\"staff-%s\",\"role\":\"handler\",\"unit\":\"%s\"}", unit, unit);
}

/* Minutes after Mon 2026-12-07 09:00 (+08:00), inside office hours for the first two and a half hours. */
static const char* at(int minutes) {
  const int h = 9 + minutes / 60, m = minutes % 60;
  return fmt("2026-12-07T%02d:%02d:00+08:00", h, m);
}

static const char* cmd(const char* type, const char* actor, int minutes, const char* extra) {
  return fmt("{\"type\":\"%s\",\"actor\":%s,\"at\":\"%s\"%s%s}", type, actor, at(minutes),
             extra[0] ? "," : "", extra);
}

struct category {
  const char* id;
  const char* unit;  /* the dispatch table */
  const char* other; /* a unit to re-dispatch to */
  const char* limit; /* the limit in the document */
};

static const struct category categories[] = {
    {"consultation", "service_center", "general_office", "\"limit\":{\"working_days\":2}"},
    {"help", "sanitation", "law_enforcement", "\"limit\":{\"working_days\":10}"},
    {"suggestion", "general_office", "service_center", "\"limit\":{\"working_days\":10}"},
    {"complaint", "law_enforcement", "sanitation", "\"limit\":{\"working_days\":15}"},
    {"report", "law_enforcement", "sanitation", "\"limit\":{\"working_days\":15}"},
    {"exposed_garbage", "sanitation", "law_enforcement", "\"limit\":{\"working_hours\":4}"},
};

/* Files a complaint and takes it to `dispatched` (to the table's unit); returns its id (static buffer). */
static const char* file_and_dispatch(pf_engine* e, const struct category* c, int n, const char* path) {
  static char id[128];
  snprintf(current_case, sizeof current_case, "%s/%s", c->id, path);
  const char* app = fmt(
      "{\"kind\":\"complaint\",\"category\":\"%s\",\"reporter\":{\"id\":\"resident-%d\",\"name\":\"居民%d\"},"
      "\"actor\":%s,\"at\":\"%s\",\"source\":\"hotline\",\"description\":\"%s\",\"location\":\"人民路%d号\"}",
      c->id, n, n, DISPATCHER, at(0), path, n);
  char* doc = NULL;
  if (pf_submit(e, app, &doc) != PF_OK) {
    fprintf(stderr, "submit failed: %s\n", pf_last_error());
    exit(1);
  }
  STATE(doc, "received");
  CHECK(has(doc, "\"kind\":\"complaint\""));
  CHECK(has(doc, fmt("\"category\":\"%s\"", c->id)));
  CHECK(has(doc, c->limit));
  const char* p = strstr(doc, "\"id\":\"");
  snprintf(id, sizeof id, "%.*s", (int)(strchr(p + 6, '"') - (p + 6)), p + 6);
  pf_free(doc);
  /* A public report is registered only once verified on site. */
  REFUSED(e, id, cmd("register", DISPATCHER, 1, ""), PF_RULE_VIOLATION);
  /* Permit roles do not act on complaints; a handler cannot dispatch. */
  REFUSED(e, id, cmd("register", "{\"id\":\"c1\",\"role\":\"clerk\"}", 1, "\"verified\":true"),
          PF_PERMISSION_DENIED);
  REFUSED(e, id, cmd("dispatch", handler(c->unit), 1, ""), PF_PERMISSION_DENIED);
  REFUSED(e, id, cmd("dispatch", DISPATCHER, 1, ""), PF_INVALID_STATE);
  doc = RUN(e, id, cmd("register", DISPATCHER, 2, "\"verified\":true"));
  STATE(doc, "registered");
  pf_free(doc);
  REFUSED(e, id, cmd("dispatch", DISPATCHER, 3, "\"unit\":\"no_such_unit\""), PF_INVALID_ARGUMENT);
  doc = RUN(e, id, cmd("dispatch", DISPATCHER, 3, ""));
  STATE(doc, "dispatched");
  CHECK(has(doc, fmt("\"unit\":\"%s\"", c->unit)));
  pf_free(doc);
  return id;
}

/* From handling to closed and rated with `rating` (3..5). */
static void reply_check_close_rate(pf_engine* e, const char* id, const char* unit, int n, int rating, int t) {
  char* doc = RUN(e, id, cmd("reply", handler(unit), t, "\"reply\":\"已处理并电话回复\""));
  STATE(doc, "replied");
  CHECK(has(doc, "\"light\":\"met\""));
  pf_free(doc);
  doc = RUN(e, id, cmd("check", DISPATCHER, t + 1, "\"passed\":true"));
  STATE(doc, "checked");
  pf_free(doc);
  REFUSED(e, id, cmd("rate", fmt("{\"id\":\"resident-%d\",\"role\":\"reporter\"}", n), t + 2, "\"rating\":5"),
          PF_INVALID_STATE);
  doc = RUN(e, id, cmd("close", DISPATCHER, t + 2, ""));
  STATE(doc, "closed");
  pf_free(doc);
  REFUSED(e, id, cmd("rate", "{\"id\":\"someone-else\",\"role\":\"reporter\"}", t + 3, "\"rating\":5"),
          PF_PERMISSION_DENIED);
  REFUSED(e, id, cmd("rate", fmt("{\"id\":\"resident-%d\",\"role\":\"reporter\"}", n), t + 3, "\"rating\":6"),
          PF_INVALID_ARGUMENT);
  doc = RUN(e, id,
            cmd("rate", fmt("{\"id\":\"resident-%d\",\"role\":\"reporter\"}", n), t + 3,
                fmt("\"rating\":%d", rating)));
  STATE(doc, "rated");
  CHECK(has(doc, fmt("\"rating\":%d", rating)));
  pf_free(doc);
  REFUSED(e, id, cmd("rate", fmt("{\"id\":\"resident-%d\",\"role\":\"reporter\"}", n), t + 4, "\"rating\":5"),
          PF_INVALID_STATE);
}

static void start(pf_engine* e, const char* id, const char* unit, const char* other, int t) {
  REFUSED(e, id, cmd("start_handling", handler(other), t, ""), PF_PERMISSION_DENIED);
  char* doc = RUN(e, id, cmd("start_handling", handler(unit), t, ""));
  STATE(doc, "handling");
  pf_free(doc);
}

static void paths(pf_engine* e, const struct category* c, int base) {
  char id[128];
  char* doc;
  /* 1. normal */
  strcpy(id, file_and_dispatch(e, c, base + 1, "normal"));
  start(e, id, c->unit, c->other, 4);
  reply_check_close_rate(e, id, c->unit, base + 1, 5, 5);

  /* 2. returned by the unit as not its duty, re-dispatched elsewhere */
  strcpy(id, file_and_dispatch(e, c, base + 2, "returned"));
  REFUSED(e, id, cmd("return", handler(c->unit), 4, "\"reasons\":\"\""), PF_INVALID_ARGUMENT);
  doc = RUN(e, id, cmd("return", handler(c->unit), 4, "\"reasons\":\"非本单位职责\""));
  STATE(doc, "returned");
  CHECK(has(doc, fmt("\"returned_by\":[\"%s\"]", c->unit)));
  CHECK(has(doc, "\"unit\":null"));
  pf_free(doc);
  REFUSED(e, id, cmd("dispatch", DISPATCHER, 5, fmt("\"unit\":\"%s\"", c->unit)), PF_RULE_VIOLATION);
  doc = RUN(e, id, cmd("dispatch", DISPATCHER, 5, fmt("\"unit\":\"%s\"", c->other)));
  STATE(doc, "dispatched");
  CHECK(has(doc, fmt("\"unit\":\"%s\"", c->other)));
  pf_free(doc);
  start(e, id, c->other, c->unit, 6);
  reply_check_close_rate(e, id, c->other, base + 2, 4, 7);

  /* 3. the check fails: back to handling */
  strcpy(id, file_and_dispatch(e, c, base + 3, "check_failed"));
  start(e, id, c->unit, c->other, 4);
  doc = RUN(e, id, cmd("reply", handler(c->unit), 5, "\"reply\":\"已清理\""));
  pf_free(doc);
  REFUSED(e, id, cmd("check", DISPATCHER, 6, "\"passed\":false"), PF_RULE_VIOLATION);
  doc = RUN(e, id, cmd("check", DISPATCHER, 6, "\"passed\":false,\"note\":\"现场仍有残留\""));
  STATE(doc, "handling");
  CHECK(has(doc, "\"failed_checks\":1"));
  CHECK(has(doc, "\"replied_at\":null"));
  pf_free(doc);
  reply_check_close_rate(e, id, c->unit, base + 3, 3, 7);

  /* 4. an extension requested before the limit */
  strcpy(id, file_and_dispatch(e, c, base + 4, "extension"));
  start(e, id, c->unit, c->other, 4);
  REFUSED(e, id, cmd("extend", DISPATCHER, 5, "\"working_days\":11,\"reason\":\"需协调多部门\""),
          PF_RULE_VIOLATION);
  REFUSED(e, id, cmd("extend", handler(c->unit), 5, "\"working_days\":5,\"reason\":\"需协调多部门\""),
          PF_PERMISSION_DENIED);
  doc = RUN(e, id, cmd("extend", DISPATCHER, 5, "\"working_days\":5,\"reason\":\"需协调多部门\""));
  STATE(doc, "handling");
  CHECK(has(doc, "\"extended_working_days\":5"));
  pf_free(doc);
  REFUSED(e, id, cmd("extend", LEADER, 6, "\"working_days\":1,\"reason\":\"again\""), PF_RULE_VIOLATION);
  reply_check_close_rate(e, id, c->unit, base + 4, 5, 7);

  /* 5. escalated as major: leadership review and a supervising deputy */
  strcpy(id, file_and_dispatch(e, c, base + 5, "escalation"));
  start(e, id, c->unit, c->other, 4);
  doc = RUN(e, id, cmd("escalate", handler(c->unit), 5, "\"reason\":\"涉及多户居民安全\""));
  STATE(doc, "escalated");
  CHECK(has(doc, "\"review\":{\"due\":\"2026-12-14T17:30:00+08:00\""));
  pf_free(doc);
  REFUSED(e, id, cmd("reply", handler(c->unit), 6, "\"reply\":\"x\""), PF_INVALID_STATE);
  REFUSED(e, id, cmd("assign_deputy", DISPATCHER, 6, "\"deputy\":\"deputy-zhao\""), PF_PERMISSION_DENIED);
  doc =
      RUN(e, id, cmd("assign_deputy", LEADER, 6, "\"deputy\":\"deputy-zhao\",\"instructions\":\"限期整改\""));
  STATE(doc, "handling");
  CHECK(has(doc, "\"deputy\":\"deputy-zhao\""));
  CHECK(has(doc, "\"review\":null"));
  pf_free(doc);
  REFUSED(e, id, cmd("escalate", handler(c->unit), 7, "\"reason\":\"again\""), PF_RULE_VIOLATION);
  reply_check_close_rate(e, id, c->unit, base + 5, 4, 8);

  /* 6. a bad rating reopens it with a 15-working-day rectification clock */
  strcpy(id, file_and_dispatch(e, c, base + 6, "bad_rating"));
  start(e, id, c->unit, c->other, 4);
  doc = RUN(e, id, cmd("reply", handler(c->unit), 5, "\"reply\":\"已处理\""));
  pf_free(doc);
  pf_free(RUN(e, id, cmd("check", DISPATCHER, 6, "\"passed\":true")));
  pf_free(RUN(e, id, cmd("close", DISPATCHER, 7, "")));
  doc = RUN(e, id,
            cmd("rate", fmt("{\"id\":\"resident-%d\",\"role\":\"reporter\"}", base + 6), 8,
                "\"rating\":1,\"comment\":\"问题依旧\""));
  STATE(doc, "reopened");
  CHECK(has(doc, "\"reopened\":1"));
  CHECK(has(doc, "\"limit\":{\"working_days\":15}"));
  /* 15 working days after Mon 2026-12-07: Mon 2026-12-28, due at its close of business. */
  CHECK(has(doc, "\"due\":\"2026-12-28T17:30:00+08:00\""));
  CHECK(has(doc, "\"rectification\":true"));
  pf_free(doc);
  doc = RUN(e, id, cmd("dispatch", DISPATCHER, 9, ""));
  CHECK(has(doc, fmt("\"unit\":\"%s\"", c->unit)));
  pf_free(doc);
  start(e, id, c->unit, c->other, 10);
  reply_check_close_rate(e, id, c->unit, base + 6, 5, 11);
  doc = NULL;
  pf_get_case(e, id, &doc);
  CHECK(has(doc, "\"ratings\":[1,5]"));
  pf_free(doc);
}

int main(void) {
  char dir_template[] = "/tmp/pf-complaint-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (!dir) return 1;
  pf_engine* e = NULL;
  if (pf_open(fmt("{\"database\": \"%s/complaints.db\"}", dir), &e) != PF_OK) {
    fprintf(stderr, "pf_open: %s\n", pf_last_error());
    return 1;
  }
  for (int i = 0; i < 6; ++i) paths(e, &categories[i], i * 10);

  /* The exact example: dispatched Wed 2026-09-30 16:00 with a 4-working-hour limit (the National
   * Day holiday between) is due Thu 2026-10-08 11:00. */
  snprintf(current_case, sizeof current_case, "working-hours example");
  char* doc = NULL;
  CHECK(pf_submit(
            e,
            "{\"kind\":\"complaint\",\"category\":\"exposed_garbage\",\"reporter\":{\"id\":\"patrol-7\"},"
            "\"actor\":{\"id\":\"clerk-li\",\"role\":\"dispatcher\"},\"at\":\"2026-09-30T16:00:00+08:00\","
            "\"source\":\"patrol\",\"description\":\"垃圾暴露\"}",
            &doc) == PF_OK);
  CHECK(has(doc, "\"due\":\"2026-10-08T11:00:00+08:00\""));
  pf_free(doc);

  /* Bad input is refused and creates nothing. */
  char* out = NULL;
  CHECK(pf_submit(
            e,
            "{\"kind\":\"complaint\",\"category\":\"noise\",\"reporter\":{\"id\":\"r\"},\"actor\":{\"id\":"
            "\"r\",\"role\":\"reporter\"},\"at\":\"2026-12-07T09:00:00+08:00\",\"description\":\"x\"}",
            &out) == PF_INVALID_ARGUMENT &&
        out == NULL && strstr(pf_last_error(), "noise") != NULL);
  CHECK(pf_submit(
            e,
            "{\"kind\":\"complaint\",\"category\":\"help\",\"reporter\":{\"id\":\"r\"},\"actor\":{\"id\":"
            "\"other\",\"role\":\"reporter\"},\"at\":\"2026-12-07T09:00:00+08:00\",\"description\":\"x\"}",
            &out) == PF_PERMISSION_DENIED &&
        out == NULL);

  /* The portal's queue: GET /api/cases?kind=complaint&state=… */
  CHECK(pf_query(e, "{\"kind\":\"complaint\",\"state\":\"rated\",\"limit\":1000}", &out) == PF_OK);
  int rated = 0;
  for (const char* p = out; (p = strstr(p, "\"state\":\"rated\"")) != NULL; ++p) ++rated;
  CHECK(rated == 36);
  CHECK(!has(out, "\"kind\":\"permit\""));
  pf_free(out);
  CHECK(pf_query(e, "{\"kind\":\"complaint\",\"category\":\"exposed_garbage\",\"state\":\"received\"}",
                 &out) == PF_OK);
  CHECK(has(out, "2026-10-08T11:00:00+08:00"));
  pf_free(out);
  CHECK(pf_query(e, "{\"kind\":\"petition\"}", &out) == PF_INVALID_ARGUMENT && out == NULL);
  CHECK(pf_query(e, "{\"category\":\"road_excavation\"}", &out) == PF_INVALID_ARGUMENT && out == NULL);

  /* The weekly report's complaints section for the week of Mon 2026-12-07. */
  CHECK(pf_report(e, "{\"week\":\"2026-12-07\"}", &out) == PF_OK);
  CHECK(has(out, "\"complaints\":{"));
  CHECK(has(out, "\"received\":36"));
  CHECK(has(out, "\"returned\":6"));
  CHECK(has(out, "\"reopened\":6"));
  CHECK(has(out, "\"count\":42"));               /* 36 final ratings and 6 bad ones */
  CHECK(has(out, "\"unresolved\":[{\"case\":")); /* the patrol report of 30 Sep below, still open */
  pf_free(out);
  CHECK(pf_report(e, "{\"week\":\"2026-09-30\"}", &out) == PF_OK);
  /* The patrol's report of 30 Sep is unresolved and red by the end of that week (due 8 Oct)? No: the week
   * ends Sun 4 Oct, before the due, so it is listed green and not late. */
  CHECK(has(out, "\"unresolved\":[{\"case\":"));
  CHECK(has(out, "\"working_days_late\":0"));
  pf_free(out);
  CHECK(pf_report(e, "{\"week\":\"2026-10-12\"}", &out) == PF_OK);
  /* By the week of 12 Oct it is red: late from Fri 9 Oct (the day after the due) to the report date, Mon
   * 19 Oct: 9, 10 (swapped workday), 12–16, 19 = 8 working days. */
  CHECK(has(out, "\"light\":\"red\""));
  CHECK(has(out, "\"working_days_late\":8"));
  CHECK(has(out, "\"sanitation\":{\"closed\":"));
  pf_free(out);
  CHECK(pf_report(e, "{\"week\":\"2026-10-12\",\"format\":\"csv\"}", &out) == PF_OK);
  CHECK(has(out, "complaint_unresolved,case,category"));
  CHECK(has(out, "complaint_units,unit,open,overdue"));
  pf_free(out);

  /* Timers: the patrol report's handling clock warns and then escalates. */
  CHECK(pf_run_due(e, "2026-10-20T00:00:00+08:00", &out) == PF_OK);
  CHECK(has(out, "\"kind\":\"deadline_warning\""));
  CHECK(has(out, "\"kind\":\"deadline_overdue\""));
  CHECK(has(out, "\"due\":\"2026-10-08T11:00:00+08:00\""));
  pf_free(out);

  pf_close(e);
  /* Reopened, everything is as it was. */
  CHECK(pf_open(fmt("{\"database\": \"%s/complaints.db\"}", dir), &e) == PF_OK);
  CHECK(pf_query(e, "{\"kind\":\"complaint\",\"state\":\"rated\",\"limit\":1000}", &out) == PF_OK);
  rated = 0;
  for (const char* p = out; (p = strstr(p, "\"state\":\"rated\"")) != NULL; ++p) ++rated;
  CHECK(rated == 36);
  pf_free(out);
  pf_close(e);

  printf("complaint_test: %d checks, %d failures\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
