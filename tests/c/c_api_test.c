/* The C API driven from C: a whole road-excavation case on a real SQLite file, every status code the contract
 * can produce, refusals that change nothing, and a reopen that finds the case as it was.
 * Written in C99 on purpose (leveldb's c_test.c): it proves the header and the ABI are usable from C.
 * No JSON library: a tiny scanner below reads the few values the test needs.
 * PF_INTERNAL (8) is not provoked: it means a bug in permitflow or out of memory, neither reachable from
 * valid or invalid input; the test only checks that no call returns it. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c_test_support.h"

/* ---- a minimal JSON scanner: enough to find values by key in the documents of docs/contract.md ----------
 */

static const char* skip_ws(const char* p) {
  while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') ++p;
  return p;
}

/* p at '"': returns the position after the closing quote. */
static const char* skip_string(const char* p) {
  ++p;
  while (*p && *p != '"') p += (*p == '\\' && p[1]) ? 2 : 1;
  return *p ? p + 1 : p;
}

/* p at the start of any value: returns the position after it. */
static const char* skip_value(const char* p) {
  p = skip_ws(p);
  if (*p == '"') return skip_string(p);
  if (*p == '{' || *p == '[') {
    int depth = 0;
    while (*p) {
      if (*p == '"') {
        p = skip_string(p);
        continue;
      }
      if (*p == '{' || *p == '[') ++depth;
      if (*p == '}' || *p == ']') {
        if (--depth == 0) return p + 1;
      }
      ++p;
    }
    return p;
  }
  while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n') ++p;
  return p;
}

/* obj at '{': the start of the value of `key` among its own members, or NULL. */
static const char* member(const char* obj, const char* key) {
  size_t n = strlen(key);
  const char* p;
  if (obj == NULL) return NULL;
  p = skip_ws(obj);
  if (*p != '{') return NULL;
  p = skip_ws(p + 1);
  while (*p == '"') {
    const char* name = p + 1;
    const char* after = skip_string(p);
    int match = (size_t)(after - 1 - name) == n && strncmp(name, key, n) == 0;
    p = skip_ws(after);
    if (*p != ':') return NULL;
    p = skip_ws(p + 1);
    if (match) return p;
    p = skip_ws(skip_value(p));
    if (*p == ',') p = skip_ws(p + 1);
  }
  return NULL;
}

/* arr at '[': the start of its i-th element, or NULL. */
static const char* element(const char* arr, int i) {
  const char* p;
  if (arr == NULL) return NULL;
  p = skip_ws(arr);
  if (*p != '[') return NULL;
  p = skip_ws(p + 1);
  while (*p && *p != ']') {
    if (i-- == 0) return p;
    p = skip_ws(skip_value(p));
    if (*p == ',') p = skip_ws(p + 1);
  }
  return NULL;
}

static int count(const char* arr) {
  int n = 0;
  while (element(arr, n) != NULL) ++n;
  return n;
}

/* Copies the string value at v (no escapes expected in ids, states and dates) into buf; "" if not a string.
 */
static const char* str(const char* v, char* buf, size_t size) {
  size_t n = 0;
  buf[0] = '\0';
  if (v == NULL || *v != '"') return buf;
  for (++v; *v && *v != '"' && n + 1 < size; ++v) buf[n++] = *v;
  buf[n] = '\0';
  return buf;
}

static int is_str(const char* v, const char* expected) {
  char buf[256];
  return v != NULL && *v == '"' && strcmp(str(v, buf, sizeof buf), expected) == 0;
}

static int is_lit(const char* v, const char* literal) {
  return v != NULL && strncmp(v, literal, strlen(literal)) == 0;
}

static long num(const char* v) { return v == NULL ? -1 : strtol(v, NULL, 10); }

/* ---- helpers over the C API ---------------------------------------------------------------------------- */

/* A sentinel the API must overwrite with NULL on failure. */
static char sentinel_byte;
#define SENTINEL (&sentinel_byte)

/* Expects `status` from a call whose out-parameter was `out`: NULL and a message on failure. */
static void expect_failure(pf_status got, pf_status want, const char* out, const char* what, int line) {
  ++checks;
  if (got != want || out != NULL || pf_last_error()[0] == '\0') {
    ++failures;
    fprintf(stderr, "%s:%d: %s: status %d (want %d), out %s, message \"%s\"\n", __FILE__, line, what,
            (int)got, (int)want, out == NULL ? "NULL" : "not NULL", pf_last_error());
  }
  if (got == PF_INTERNAL) fprintf(stderr, "  PF_INTERNAL means a bug: %s\n", pf_last_error());
}

/* Makes the call first, then checks its status and out-parameter (C leaves argument order unspecified). */
#define FAILS(call, out, want)                                            \
  do {                                                                    \
    pf_status status_ = (call);                                           \
    expect_failure(status_, (want), (const char*)(out), #call, __LINE__); \
  } while (0)

static void ok_or_die(pf_status s, const char* what, int line) {
  ++checks;
  if (s != PF_OK) {
    fprintf(stderr, "%s:%d: %s failed with status %d: %s\n", __FILE__, line, what, (int)s, pf_last_error());
    exit(1);
  }
}

static char* non_null(char* out, const char* what, int line) {
  if (out == NULL || out == SENTINEL) {
    fprintf(stderr, "%s:%d: %s returned PF_OK without a document\n", __FILE__, line, what);
    exit(1);
  }
  return out;
}

/* The call's status must be PF_OK; evaluates to its out-parameter, read after the call (comma operator). */
#define OK(call, out) (ok_or_die((call), #call, __LINE__), non_null((out), #call, __LINE__))

static char* get_case(pf_engine* e, const char* id) {
  char* out = SENTINEL;
  return OK(pf_get_case(e, id, &out), out);
}

static char* history(pf_engine* e, const char* id) {
  char* out = SENTINEL;
  return OK(pf_history(e, id, &out), out);
}

static char* execute(pf_engine* e, const char* id, const char* cmd) {
  char* out = SENTINEL;
  return OK(pf_execute(e, id, cmd, &out), out);
}

/* Runs a command that must be refused with `want`, and checks that the case and its log did not change. */
static void refused(pf_engine* e, const char* id, const char* cmd, pf_status want, int line) {
  char *before_case, *before_log, *after_case, *after_log, *out = SENTINEL;
  char at[64];
  pf_status s;
  /* Timers due before the command's `at` fire and stay fired even when it is refused (docs/contract.md §8):
     fire them first, so that what remains to compare is the command's own effect. */
  if (str(member(cmd, "at"), at, sizeof at)[0] != '\0' && pf_run_due(e, at, &out) == PF_OK) pf_free(out);
  before_case = get_case(e, id);
  before_log = history(e, id);
  out = SENTINEL;
  s = pf_execute(e, id, cmd, &out);
  expect_failure(s, want, out, cmd, line);
  pf_free(out);
  after_case = get_case(e, id);
  after_log = history(e, id);
  ++checks;
  if (strcmp(before_case, after_case) != 0 || strcmp(before_log, after_log) != 0) {
    ++failures;
    fprintf(stderr, "%s:%d: a refused command changed the case or its history: %s\n", __FILE__, line, cmd);
  }
  pf_free(before_case);
  pf_free(before_log);
  pf_free(after_case);
  pf_free(after_log);
}
#define REFUSED(e, id, cmd, want) refused((e), (id), (cmd), (want), __LINE__)

/* ---- the scenario ------------------------------------------------------------------------------------- */

#define CLERK "{\"id\": \"clerk-1\", \"role\": \"clerk\"}"
#define HEAD "{\"id\": \"head-1\", \"role\": \"head\"}"
#define APPLICANT "{\"id\": \"91320922MA1CAPI01X\", \"role\": \"applicant\"}"
#define REVIEWER(dept) "{\"id\": \"rev-" dept "\", \"role\": \"reviewer\", \"department\": \"" dept "\"}"
/* The conformance facts for road_excavation (tests/support/demo_applications.hpp): on the carriageway, not
 * protected, not an emergency. */
#define FACTS                                                                                              \
  "{\"road_opened_on\": \"2012-05-01\", \"road_overhauled_on\": null, \"planned_start\": \"2027-04-01\", " \
  "\"planned_end\": \"2027-04-10\", \"on_carriageway\": true, \"emergency\": false, "                      \
  "\"protection_exception_approved\": false}"

#define MAX_MATERIALS 32
static char material_ids[MAX_MATERIALS][128];
static int material_count = 0;

/* The materials [from, to) of material_ids as a JSON array of PDFs. */
static char* materials_json(int from, int to) {
  static char buf[4096];
  size_t n = 0;
  int i;
  n += (size_t)snprintf(buf + n, sizeof buf - n, "[");
  for (i = from; i < to; ++i) {
    n += (size_t)snprintf(buf + n, sizeof buf - n,
                          "%s{\"id\": \"%s\", \"format\": \"pdf\", \"expires_on\": \"2030-12-31\"}",
                          i > from ? ", " : "", material_ids[i]);
  }
  snprintf(buf + n, sizeof buf - n, "]");
  return buf;
}

static char* application(const char* at, const char* materials) {
  return fmt(
      "{\"permit\": \"road_excavation\", \"applicant\": {\"id\": \"91320922MA1CAPI01X\", \"name\": "
      "\"示例工程有限公司\"}, "
      "\"actor\": " APPLICANT ", \"at\": \"%s\", \"facts\": " FACTS ", \"materials\": %s}",
      at, materials);
}

static int known_material(const char* id) {
  int i;
  for (i = 0; i < material_count; ++i)
    if (strcmp(material_ids[i], id) == 0) return 1;
  return 0;
}

/* Discovers the complete checklist through precheck: add what the notice names until it is complete. */
static void discover_materials(pf_engine* e, const char* at) {
  int round;
  for (round = 0; round < 4; ++round) {
    char* notice = SENTINEL;
    const char* items;
    int i, added = 0;
    OK(pf_precheck(e, application(at, materials_json(0, material_count)), &notice), notice);
    items = member(notice, "items");
    REQUIRE(items != NULL);
    for (i = 0; element(items, i) != NULL; ++i) {
      char id[128];
      str(member(element(items, i), "material"), id, sizeof id);
      if (strncmp(id, "fact:", 5) == 0 || id[0] == '\0' || known_material(id)) continue;
      REQUIRE(material_count < MAX_MATERIALS);
      strcpy(material_ids[material_count++], id);
      ++added;
    }
    if (is_lit(member(notice, "complete"), "true") && added == 0) {
      pf_free(notice);
      return;
    }
    pf_free(notice);
  }
  fprintf(stderr, "precheck never became complete\n");
  exit(1);
}

static void* other_thread(void* arg) {
  (void)arg;
  /* The last error is per thread: a fresh thread has none. */
  return (void*)(pf_last_error()[0] == '\0' ? "ok" : NULL);
}

static void status_and_argument_checks(pf_engine* e, const char* dir) {
  char* out = SENTINEL;
  pf_engine* bad = (pf_engine*)SENTINEL;
  pthread_t t;
  void* result = NULL;

  /* 1: NULL arguments and malformed JSON, with the out-parameter cleared. */
  FAILS(pf_open(NULL, &bad), bad, PF_INVALID_ARGUMENT);
  CHECK(pf_open("{\"database\": \"x.db\"}", NULL) == PF_INVALID_ARGUMENT);
  bad = (pf_engine*)SENTINEL;
  FAILS(pf_open("{", &bad), bad, PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_precheck(NULL, "{}", &out), out, PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_precheck(e, NULL, &out), out, PF_INVALID_ARGUMENT);
  CHECK(pf_submit(e, "{}", NULL) == PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_submit(e, "{", &out), out, PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_submit(e, "[]", &out), out, PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_execute(e, NULL, "{}", &out), out, PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_execute(e, "x", NULL, &out), out, PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_get_case(e, NULL, &out), out, PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_history(e, NULL, &out), out, PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_query(e, "{", &out), out, PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_run_due(e, "yesterday", &out), out, PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_run_due(e, NULL, &out), out, PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_report(e, "{", &out), out, PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_verify(NULL, &out), out, PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_add_working_days(e, "2026-13-45", 5, &out), out, PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_add_working_days(e, "2026-09-18", -1, &out), out, PF_INVALID_ARGUMENT);
  out = SENTINEL;
  FAILS(pf_add_working_days(e, NULL, 1, &out), out, PF_INVALID_ARGUMENT);
  CHECK(pf_last_error_json(NULL) == PF_INVALID_ARGUMENT);
  {
    char* err = SENTINEL;
    CHECK(pf_last_error_json(&err) == PF_OK && err != NULL);
    CHECK(num(member(err, "status")) == PF_INVALID_ARGUMENT);
    CHECK(is_str(member(err, "code"), "invalid_argument"));
    pf_free(err);
  }

  /* The last error belongs to the thread that failed. */
  CHECK(pf_last_error()[0] != '\0');
  REQUIRE(pthread_create(&t, NULL, other_thread, NULL) == 0);
  REQUIRE(pthread_join(t, &result) == 0);
  CHECK(result != NULL);

  /* 2: unknown case. */
  out = SENTINEL;
  FAILS(pf_get_case(e, "no-such-case", &out), out, PF_NOT_FOUND);
  out = SENTINEL;
  FAILS(pf_history(e, "no-such-case", &out), out, PF_NOT_FOUND);
  out = SENTINEL;
  FAILS(
      pf_execute(e, "no-such-case",
                 "{\"type\": \"accept\", \"actor\": " CLERK ", \"at\": \"2026-09-14T10:00:00+08:00\"}", &out),
      out, PF_NOT_FOUND);

  /* 7: storage: a database inside a directory that does not exist, and a directory as the database. */
  bad = (pf_engine*)SENTINEL;
  FAILS(pf_open(fmt("{\"database\": \"%s/no-such-dir/sub/c.db\"}", dir), &bad), bad, PF_STORAGE);
  if (bad != (pf_engine*)SENTINEL) pf_close(bad);
  bad = (pf_engine*)SENTINEL;
  FAILS(pf_open(fmt("{\"database\": \"%s\"}", dir), &bad), bad, PF_STORAGE);
  if (bad != (pf_engine*)SENTINEL) pf_close(bad);
}

int main(void) {
  char dir_template[] = "/tmp/pf-c-api-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  char *config, *out, *kase, *notice, *log, *fired;
  char id[128], text[256];
  pf_engine* e = NULL;
  int n_full, first_kept, i;

  REQUIRE(dir != NULL);
  config = strdup(fmt("{\"database\": \"%s/c.db\"}", dir));

  /* pf_version, pf_free(NULL), pf_close(NULL). */
  REQUIRE(pf_version() != NULL && pf_version()[0] != '\0');
  pf_free(NULL);
  pf_close(NULL);
  CHECK(pf_last_error() != NULL && pf_last_error()[0] == '\0'); /* nothing failed yet on this thread */

  REQUIRE(pf_open(config, &e) == PF_OK && e != NULL);
  status_and_argument_checks(e, dir);

  /* add_working_days: 2026-09-18 + 5 crosses the weekend and the swapped workday of Sunday 2026-09-20. */
  out = SENTINEL;
  OK(pf_add_working_days(e, "2026-09-18", 5, &out), out);
  CHECK(is_str(member(out, "date"), "2026-09-24"));
  CHECK(is_lit(member(out, "provisional"), "false"));
  pf_free(out);
  out = SENTINEL;
  OK(pf_add_working_days(e, "2026-09-18", 0, &out), out);
  CHECK(is_str(member(out, "date"), "2026-09-18"));
  pf_free(out);

  /* Precheck: discover the full checklist, then submit without the first two materials. */
  discover_materials(e, "2026-09-14T09:00:00+08:00");
  n_full = material_count;
  REQUIRE(n_full >= 2);
  CHECK(known_material("traffic_plan")); /* on_carriageway makes the traffic plan required */
  first_kept = n_full >= 3 ? 2 : 1;
  notice = SENTINEL;
  OK(pf_precheck(e, application("2026-09-14T09:00:00+08:00", materials_json(first_kept, n_full)), &notice),
     notice);
  CHECK(is_lit(member(notice, "complete"), "false"));
  {
    int named0 = 0, named1 = 0;
    const char* items = member(notice, "items");
    for (i = 0; element(items, i) != NULL; ++i) {
      const char* item = element(items, i);
      if (is_str(member(item, "material"), material_ids[0])) named0 = 1;
      if (is_str(member(item, "material"), material_ids[1])) named1 = first_kept == 2 ? 1 : 0;
    }
    CHECK(named0);
    CHECK(named1 || first_kept == 1);
  }
  pf_free(notice);

  out = SENTINEL;
  kase = OK(pf_submit(e, application("2026-09-14T09:00:00+08:00", materials_json(first_kept, n_full)), &out),
            out);
  str(member(kase, "id"), id, sizeof id);
  if (id[0] == '\0') fprintf(stderr, "the submitted case has no id: %.400s\n", kase);
  REQUIRE(id[0] != '\0');
  CHECK(is_str(member(kase, "state"), "submitted"));
  CHECK(is_str(member(kase, "permit"), "road_excavation"));
  CHECK(is_str(member(kase, "received_on"), "2026-09-14"));
  CHECK(is_lit(member(kase, "accepted_on"), "null"));
  CHECK(num(member(kase, "version")) >= 1);
  /* 5 working days after Monday 2026-09-14: Sunday 2026-09-20 is a swapped workday (调休). */
  CHECK(is_str(member(member(member(kase, "deadlines"), "acceptance_notice"), "due"), "2026-09-20"));
  pf_free(kase);

  /* Refusals, in the order of docs/contract.md §3; each leaves the case and its log byte-identical. */
  REFUSED(e, id,
          "{\"type\": \"no_such_command\", \"actor\": " CLERK ", \"at\": \"2026-09-14T10:00:00+08:00\"}",
          PF_INVALID_ARGUMENT);
  REFUSED(e, id, "{\"type\": \"accept\", \"actor\": " CLERK ", \"at\": \"2026-09-13T10:00:00+08:00\"}",
          PF_INVALID_ARGUMENT); /* dated before the case's latest event */
  REFUSED(e, id, "{\"type\": \"accept\", \"actor\": " APPLICANT ", \"at\": \"2026-09-14T10:00:00+08:00\"}",
          PF_PERMISSION_DENIED);
  REFUSED(e, id,
          "{\"type\": \"accept\", \"actor\": " CLERK
          ", \"at\": \"2026-09-14T10:00:00+08:00\", \"expected_version\": 99}",
          PF_CONFLICT);
  REFUSED(e, id,
          "{\"type\": \"decide\", \"actor\": " HEAD
          ", \"at\": \"2026-09-14T10:00:00+08:00\", \"outcome\": \"approved\"}",
          PF_INVALID_STATE);
  REFUSED(e, id, "{\"type\": \"accept\", \"actor\": " CLERK ", \"at\": \"2026-09-14T10:00:00+08:00\"}",
          PF_RULE_VIOLATION); /* deficiencies are open */
  REFUSED(e, id,
          "{\"type\": \"request_correction\", \"actor\": " CLERK
          ", \"at\": \"2026-09-14T10:00:00+08:00\", \"items\": []}",
          PF_RULE_VIOLATION); /* an empty notice */
  if (first_kept == 2) {
    REFUSED(e, id,
            fmt("{\"type\": \"request_correction\", \"actor\": " CLERK
                ", \"at\": \"2026-09-14T10:00:00+08:00\", \"items\": [{\"material\": \"%s\", \"problem\": "
                "\"missing\"}]}",
                material_ids[0]),
            PF_RULE_VIOLATION); /* 一次性告知: a notice that leaves out a computed deficiency */
  }

  /* The one-time notice (items omitted: the computed list), then the applicant supplements. */
  kase = execute(e, id,
                 "{\"type\": \"request_correction\", \"actor\": " CLERK
                 ", \"at\": \"2026-09-14T11:00:00+08:00\"}");
  CHECK(is_str(member(kase, "state"), "awaiting_correction"));
  CHECK(count(member(kase, "notices")) == 1);
  CHECK(count(member(element(member(kase, "notices"), 0), "items")) >= first_kept);
  pf_free(kase);
  REFUSED(e, id,
          fmt("{\"type\": \"resubmit\", \"actor\": {\"id\": \"someone-else\", \"role\": \"applicant\"}, "
              "\"at\": \"2026-09-15T09:00:00+08:00\", \"materials\": %s}",
              materials_json(0, first_kept)),
          PF_PERMISSION_DENIED); /* not its own case */
  kase = execute(e, id,
                 fmt("{\"type\": \"resubmit\", \"actor\": " APPLICANT
                     ", \"at\": \"2026-09-15T09:00:00+08:00\", \"materials\": %s}",
                     materials_json(0, first_kept)));
  CHECK(is_str(member(kase, "state"), "submitted"));
  CHECK(count(member(kase, "materials")) == n_full);
  pf_free(kase);

  kase =
      execute(e, id, "{\"type\": \"accept\", \"actor\": " CLERK ", \"at\": \"2026-09-15T15:00:00+08:00\"}");
  CHECK(is_str(member(kase, "state"), "under_review"));
  CHECK(is_str(member(kase, "accepted_on"), "2026-09-15"));
  CHECK(is_lit(member(member(kase, "opinions"), "municipal_roads"), "null"));
  CHECK(is_lit(member(member(kase, "opinions"), "traffic_police"), "null"));
  CHECK(member(member(member(kase, "deadlines"), "decision"), "statutory_due") != NULL);
  pf_free(kase);

  /* Co-approval: each department records its own opinion; another department's reviewer may not. */
  REFUSED(e, id,
          "{\"type\": \"record_opinion\", \"actor\": " REVIEWER("traffic_police")
          ", \"at\": \"2026-09-16T10:00:00+08:00\", \"department\": \"municipal_roads\", \"opinion\": \"approve\"}",
          PF_PERMISSION_DENIED);
  REFUSED(e, id,
          "{\"type\": \"decide\", \"actor\": " HEAD
          ", \"at\": \"2026-09-16T10:00:00+08:00\", \"outcome\": \"approved\"}",
          PF_RULE_VIOLATION); /* opinions are pending */
  kase = execute(e, id,
                 "{\"type\": \"record_opinion\", \"actor\": " REVIEWER("municipal_roads")
                 ", \"at\": \"2026-09-16T10:00:00+08:00\", \"department\": \"municipal_roads\", "
                 "\"opinion\": \"approve\", \"comment\": \"同意\"}");
  CHECK(!is_lit(member(member(kase, "opinions"), "municipal_roads"), "null"));
  pf_free(kase);
  kase = execute(e, id,
                 "{\"type\": \"record_opinion\", \"actor\": " REVIEWER("traffic_police")
                 ", \"at\": \"2026-09-16T11:00:00+08:00\", \"department\": \"traffic_police\", "
                 "\"opinion\": \"approve\"}");
  CHECK(!is_lit(member(member(kase, "opinions"), "traffic_police"), "null"));
  pf_free(kase);
  kase = execute(e, id,
                 "{\"type\": \"record_inspection\", \"actor\": " REVIEWER("municipal_roads")
                 ", \"at\": \"2026-09-17T10:00:00+08:00\", \"inspectors\": [\"insp-1\", \"insp-2\"], "
                 "\"findings\": \"现场核查符合\"}");
  CHECK(count(member(kase, "inspections")) == 1);
  pf_free(kase);

  kase = execute(e, id,
                 "{\"type\": \"decide\", \"actor\": " HEAD
                 ", \"at\": \"2026-09-18T10:00:00+08:00\", \"outcome\": \"approved\", \"command_id\": "
                 "\"cmd-decide-1\"}");
  CHECK(is_str(member(kase, "state"), "approved"));
  CHECK(member(member(member(kase, "deadlines"), "issuance"), "due") != NULL);
  pf_free(kase);
  kase = execute(e, id,
                 "{\"type\": \"issue_certificate\", \"actor\": " CLERK
                 ", \"at\": \"2026-09-21T10:00:00+08:00\"}");
  CHECK(is_str(member(kase, "state"), "issued"));
  CHECK(!is_lit(member(kase, "certificate"), "null"));
  REFUSED(e, id, "{\"type\": \"accept\", \"actor\": " CLERK ", \"at\": \"2026-09-21T11:00:00+08:00\"}",
          PF_INVALID_STATE);
  pf_free(kase);

  /* get_case and history agree: one event per version, in order, the lifecycle's events all there. */
  kase = get_case(e, id);
  log = history(e, id);
  CHECK(is_str(member(kase, "state"), "issued"));
  CHECK(count(log) == num(member(kase, "version")));
  {
    const char* want[] = {"submitted",         "correction_requested", "resubmitted",         "accepted",
                          "opinion_recorded",  "opinion_recorded",     "inspection_recorded", "decided",
                          "certificate_issued"};
    int w = 0;
    for (i = 0; element(log, i) != NULL && w < 9; ++i) {
      if (is_str(member(element(log, i), "type"), want[w])) ++w;
      CHECK(num(member(element(log, i), "seq")) >= 0);
      CHECK(member(element(log, i), "hash") != NULL);
    }
    CHECK(w == 9);
  }

  /* query, run_due, report, verify. */
  out = SENTINEL;
  OK(pf_query(e, "{\"permit\": \"road_excavation\", \"state\": \"issued\"}", &out), out);
  CHECK(count(member(out, "cases")) == 1);
  CHECK(is_str(member(element(member(out, "cases"), 0), "id"), id));
  CHECK(is_lit(member(out, "next"), "null"));
  pf_free(out);
  fired = SENTINEL;
  OK(pf_run_due(e, "2026-09-21T12:00:00+08:00", &fired), fired);
  CHECK(skip_ws(fired)[0] == '[');
  pf_free(fired);
  out = SENTINEL;
  OK(pf_report(e, "{\"week\": \"2026-09-14\", \"format\": \"json\"}", &out), out);
  CHECK(skip_ws(out)[0] == '{');
  pf_free(out);
  out = SENTINEL;
  OK(pf_verify(e, &out), out);
  CHECK(is_lit(member(out, "ok"), "true"));
  pf_free(out);

  /* Close and reopen the same file: the case and its log are exactly as they were. */
  pf_free(kase);
  pf_free(log);
  kase = get_case(e, id);
  log = history(e, id);
  pf_close(e);
  e = NULL;
  REQUIRE(pf_open(config, &e) == PF_OK && e != NULL);
  {
    char* kase2 = get_case(e, id);
    char* log2 = history(e, id);
    CHECK(strcmp(kase, kase2) == 0);
    CHECK(strcmp(log, log2) == 0);
    CHECK(is_str(member(kase2, "state"), str(member(kase, "state"), text, sizeof text)));
    pf_free(kase2);
    pf_free(log2);
  }
  /* A retried command (same command_id) returns the case without applying it again. */
  {
    char* again = execute(e, id,
                          "{\"type\": \"decide\", \"actor\": " HEAD
                          ", \"at\": \"2026-09-18T10:00:00+08:00\", \"outcome\": \"approved\", "
                          "\"command_id\": \"cmd-decide-1\"}");
    char* log3 = history(e, id);
    CHECK(strcmp(log, log3) == 0);
    pf_free(again);
    pf_free(log3);
  }
  out = SENTINEL;
  OK(pf_verify(e, &out), out);
  CHECK(is_lit(member(out, "ok"), "true"));
  pf_free(out);

  /* The event feed (docs/feed.md): one record per event of the log, in order; a durable consumer. */
  {
    char* feed = SENTINEL;
    long events;
    OK(pf_feed(e, "{\"after\": 0, \"limit\": 1000}", &feed), feed);
    events = num(member(feed, "head"));
    CHECK(events >= count(log) && count(member(feed, "records")) == events);
    CHECK(num(member(feed, "next")) == events);
    CHECK(num(member(element(member(feed, "records"), 0), "seq")) == 1);
    CHECK(is_str(member(member(element(member(feed, "records"), 0), "event"), "type"), "submitted"));
    pf_free(feed);
    CHECK(pf_feed_ack(e, "sms", 2) == PF_OK);
    feed = SENTINEL;
    OK(pf_feed(e, "{\"consumer\": \"sms\", \"limit\": 1}", &feed), feed);
    CHECK(num(member(element(member(feed, "records"), 0), "seq")) == 3);
    pf_free(feed);
    CHECK(pf_feed_ack(e, "sms", 1) == PF_INVALID_ARGUMENT);          /* never back */
    CHECK(pf_feed_ack(e, "sms", events + 1) == PF_INVALID_ARGUMENT); /* past the head */
    CHECK(pf_feed_ack(e, NULL, 1) == PF_INVALID_ARGUMENT);
    CHECK(pf_feed_ack(NULL, "sms", 1) == PF_INVALID_ARGUMENT);
    FAILS(pf_feed(e, "{\"profile\": \"pigeon\"}", &feed), feed, PF_INVALID_ARGUMENT);
    FAILS(pf_feed(e, "{\"after\": -1}", &feed), feed, PF_INVALID_ARGUMENT);
    FAILS(pf_feed(e, "{\"limit\": 1001}", &feed), feed, PF_INVALID_ARGUMENT);
    FAILS(pf_feed(e, NULL, &feed), feed, PF_INVALID_ARGUMENT);
    CHECK(pf_feed(e, "{}", NULL) == PF_INVALID_ARGUMENT);
  }
  pf_free(kase);
  pf_free(log);
  pf_close(e);

  /* Clean up the temporary folder (SQLite may leave -wal/-shm files beside the database). */
  remove(fmt("%s/c.db", dir));
  remove(fmt("%s/c.db-wal", dir));
  remove(fmt("%s/c.db-shm", dir));
  remove(fmt("%s/c.db-journal", dir));
  rmdir(dir);
  free(config);

  printf("%d checks, %d failures\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
