/* permitflow C API: the stable C ABI of libpermitflow_c (docs/contract.md, docs/c_api.md).
 *
 * Conventions, for every function below:
 *  1. JSON in, JSON out. Every input string is UTF-8 and NUL-terminated; the shapes of the documents are
 * those of docs/contract.md. Fields may be added to returned documents at any time; hosts ignore what they do
 * not know.
 *  2. The engine is an opaque handle (pf_engine). Out-parameters come last. On PF_OK the out-parameter points
 *     to a NUL-terminated UTF-8 string that the library allocated and the caller frees with pf_free() (never
 *     with free(): the host's allocator may differ). On any other status the out-parameter is set to NULL
 *     (when the out-parameter pointer itself is not NULL) and nothing is allocated.
 *  3. A NULL argument gives PF_INVALID_ARGUMENT, never a crash. No C++ exception ever crosses this API.
 *  4. Errors: the status says what kind; pf_last_error() gives the message of the calling thread's last
 * failed call. It is per OS thread: Go hosts pin the goroutine (runtime.LockOSThread) around a call and the
 * read of its error. A successful call does not clear it; only the status tells whether a call failed.
 *  5. Thread-safety: a pf_engine may be used from any number of threads at once, except that pf_close() must
 *     not race with any other call on the same engine. pf_version, pf_last_error and pf_free are always safe.
 *  6. ABI policy: functions are never changed or removed and enum values never renumbered without a SOVERSION
 *     bump; new functions are only added.
 *
 * Every function that changes or reads a case may return PF_STORAGE (the database failed; nothing was
 * written) and PF_INTERNAL (a bug in permitflow), in addition to the statuses listed for it.
 */
#ifndef PERMITFLOW_PERMITFLOW_H
#define PERMITFLOW_PERMITFLOW_H

#include <stdint.h>

#if defined(_WIN32)
#if defined(PERMITFLOW_C_BUILDING)
#define PF_API __declspec(dllexport)
#else
#define PF_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define PF_API __attribute__((visibility("default")))
#else
#define PF_API
#endif

/* C++ callers see that no function throws. */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define PF_NOEXCEPT noexcept
#else
#define PF_NOEXCEPT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** An engine: a database plus the compiled-in definitions and calendars. Opaque; see pf_open. */
typedef struct pf_engine pf_engine;

/** The outcome of a call. The values are part of the ABI and never change. */
typedef enum pf_status {
  PF_OK = 0,
  PF_INVALID_ARGUMENT =
      1,                /* NULL argument, malformed JSON, unknown field/permit/command/department, bad date */
  PF_NOT_FOUND = 2,     /* unknown case */
  PF_INVALID_STATE = 3, /* the command does not apply in the case's current state */
  PF_PERMISSION_DENIED = 4, /* the actor's role or ownership does not allow the command */
  PF_CONFLICT = 5,          /* expected_version does not match, or a concurrent writer won */
  PF_RULE_VIOLATION = 6,    /* the law or the permit definition forbids it */
  PF_STORAGE = 7,           /* the database failed; nothing was written */
  PF_INTERNAL = 8           /* a bug in permitflow (or out of memory) */
} pf_status;

/** The runtime version of the library, e.g. "0.1.0".
 *  Ownership: a static string owned by the library; never free it. Thread-safe. Cannot fail. */
PF_API const char* pf_version(void) PF_NOEXCEPT;

/** Opens an engine from `config_json`:
 *  {"database": "file.db" | "postgresql://…", "definitions_dir"?, "calendar_file"?, "utc_offset_minutes"?:
 * 480}. A missing database file is created; an existing one reopens with every case, timer and event as it
 * was. Ownership: on PF_OK *out is a new engine, released with pf_close(); otherwise *out is NULL.
 *  Thread-safe. Statuses: PF_OK, PF_INVALID_ARGUMENT (NULL, malformed config), PF_STORAGE (the database
 * cannot be opened or created), PF_INTERNAL. */
PF_API pf_status pf_open(const char* config_json, pf_engine** out) PF_NOEXCEPT;

/** Closes the engine and frees it. pf_close(NULL) is a no-op. No other call on this engine may run
 *  concurrently with, or follow, pf_close(). Cannot fail. */
PF_API void pf_close(pf_engine* engine) PF_NOEXCEPT;

/** The one-time notice (一次性告知) an application would get, creating nothing:
 *  {"complete": bool, "items": [{"material", "problem", "note"?}], "flags": [...]}.
 *  Ownership: *notice_json is freed with pf_free(). Thread-safe.
 *  Statuses: PF_OK, PF_INVALID_ARGUMENT, PF_STORAGE, PF_INTERNAL. */
PF_API pf_status pf_precheck(pf_engine* engine, const char* application_json, char** notice_json) PF_NOEXCEPT;

/** Receives an application (收件) and returns the new case (docs/contract.md §7).
 *  Ownership: *case_json is freed with pf_free(). Thread-safe.
 *  Statuses: PF_OK, PF_INVALID_ARGUMENT, PF_NOT_FOUND (renewal_of names no case), PF_PERMISSION_DENIED,
 *  PF_CONFLICT, PF_RULE_VIOLATION, PF_STORAGE, PF_INTERNAL. */
PF_API pf_status pf_submit(pf_engine* engine, const char* application_json, char** case_json) PF_NOEXCEPT;

/** Runs a command ({"type", "actor", "at", "expected_version"?, "command_id"?, …}) on a case and returns
 *  the case after it. A refused command changes nothing (timers already due before its `at` stay fired).
 *  Refusal order: PF_INVALID_ARGUMENT, PF_NOT_FOUND, PF_PERMISSION_DENIED, PF_CONFLICT, PF_INVALID_STATE,
 *  PF_RULE_VIOLATION (docs/contract.md §3); also PF_STORAGE, PF_INTERNAL.
 *  Ownership: *case_json is freed with pf_free(). Thread-safe (commands on one case are serialized). */
PF_API pf_status pf_execute(pf_engine* engine, const char* case_id, const char* command_json,
                            char** case_json) PF_NOEXCEPT;

/** The case as it stands. Ownership: *case_json is freed with pf_free(). Thread-safe.
 *  Statuses: PF_OK, PF_INVALID_ARGUMENT, PF_NOT_FOUND, PF_STORAGE, PF_INTERNAL. */
PF_API pf_status pf_get_case(pf_engine* engine, const char* case_id, char** case_json) PF_NOEXCEPT;

/** The case's events in order: [{"seq", "type", "at", "actor", "data", "prev_hash", "hash"}, …].
 *  Ownership: *events_json is freed with pf_free(). Thread-safe.
 *  Statuses: PF_OK, PF_INVALID_ARGUMENT, PF_NOT_FOUND, PF_STORAGE, PF_INTERNAL. */
PF_API pf_status pf_history(pf_engine* engine, const char* case_id, char** events_json) PF_NOEXCEPT;

/** The case as the actor `actor_json` ({"id", "role", "department"?, "unit"?}) may see it, with
 *  "allowed_commands": the command types that actor may give in the case's current state (role, department,
 *  unit and ownership checked; the law's rules are not, so such a command may still be refused). A
 *  complaint's reporter is {"withheld": true} for actors other than the dispatcher, the unit holding the case
 *  and the reporter (docs/policy.md). Ownership: *case_json is freed with pf_free(). Thread-safe.
 *  Statuses: PF_OK, PF_INVALID_ARGUMENT, PF_NOT_FOUND, PF_PERMISSION_DENIED (the actor may not see the
 *  case), PF_STORAGE, PF_INTERNAL. */
PF_API pf_status pf_get_case_as(pf_engine* engine, const char* case_id, const char* actor_json,
                                char** case_json) PF_NOEXCEPT;

/** The case's events as the actor `actor_json` may see them (a withheld reporter as in pf_get_case_as).
 *  Ownership: *events_json is freed with pf_free(). Thread-safe.
 *  Statuses: PF_OK, PF_INVALID_ARGUMENT, PF_NOT_FOUND, PF_PERMISSION_DENIED, PF_STORAGE, PF_INTERNAL. */
PF_API pf_status pf_history_as(pf_engine* engine, const char* case_id, const char* actor_json,
                               char** events_json) PF_NOEXCEPT;

/** Cases matching `query_json` ({"permit"?, "state"?, "light"?, "applicant"?, "awaiting_department"?,
 *  "due_before"?, "due_after"?, "actor"?, "limit"?, "after"?}): {"cases": [...], "next": cursor|null}.
 *  Ownership: *cases_json is freed with pf_free(). Thread-safe.
 *  Statuses: PF_OK, PF_INVALID_ARGUMENT, PF_STORAGE, PF_INTERNAL. */
PF_API pf_status pf_query(pf_engine* engine, const char* query_json, char** cases_json) PF_NOEXCEPT;

/** Fires every timer due at or before `now_rfc3339` exactly once, in due order; returns the fired timers
 *  [{"case", "kind", "clock", "due", "events": [...]}, …].
 *  Ownership: *fired_json is freed with pf_free(). Thread-safe.
 *  Statuses: PF_OK, PF_INVALID_ARGUMENT (not an RFC 3339 time with offset), PF_STORAGE, PF_INTERNAL. */
PF_API pf_status pf_run_due(pf_engine* engine, const char* now_rfc3339, char** fired_json) PF_NOEXCEPT;

/** The weekly supervision report (督查周报) for {"week": "YYYY-MM-DD", "format": "json"|"csv"}; CSV comes
 * back as {"csv": "…"}. Ownership: *report_out_json is freed with pf_free(). Thread-safe. Statuses: PF_OK,
 * PF_INVALID_ARGUMENT, PF_STORAGE, PF_INTERNAL. */
PF_API pf_status pf_report(pf_engine* engine, const char* report_json, char** report_out_json) PF_NOEXCEPT;

/** Checks every hash chain and every projection against its log: {"ok", "cases_checked", "events_checked",
 *  "problems": [...], "ledger_head", "ledger_count"}. Problems found are PF_OK with "ok": false.
 *  Ownership: *verify_json is freed with pf_free(). Thread-safe.
 *  Statuses: PF_OK, PF_INVALID_ARGUMENT, PF_STORAGE, PF_INTERNAL. */
PF_API pf_status pf_verify(pf_engine* engine, char** verify_json) PF_NOEXCEPT;

/** pf_verify with options {"documents_dir"?: folder}: then also checks that every document a material names
 *  by sha256 is in that folder (<dir>/<first two hex digits>/<sha256>, the portal's documents folder) with
 *  bytes that hash to its name; a missing or altered document is a problem of the case and event naming it.
 *  Ownership: *verify_json is freed with pf_free(). Thread-safe.
 *  Statuses: PF_OK, PF_INVALID_ARGUMENT (unknown key, not a folder), PF_STORAGE, PF_INTERNAL. */
PF_API pf_status pf_verify_with(pf_engine* engine, const char* options_json, char** verify_json) PF_NOEXCEPT;

/** The event feed (docs/feed.md): `request_json` {"after"?: seq, "limit"?: 1..1000 (100), "kinds"?: [...],
 *  "types"?: [...], "profile"?: "raw", "consumer"?: name} gives {"records": [{"seq", "case", "kind",
 *  "subject", "version", "state", "event": {"type", "at", "actor", "data", "hash"}}, …], "next": seq,
 *  "head": seq, "pruned": seq}. With "consumer", reading starts after that consumer's stored cursor.
 *  Ownership: *feed_json is freed with pf_free(). Thread-safe; never waits for a command.
 *  Statuses: PF_OK, PF_INVALID_ARGUMENT (unknown profile, kind or key, after < 0 or past the head, limit out
 *  of range, a bad consumer name), PF_STORAGE, PF_INTERNAL. */
PF_API pf_status pf_feed(pf_engine* engine, const char* request_json, char** feed_json) PF_NOEXCEPT;

/** Moves the durable consumer `consumer` (1 to 64 of [A-Za-z0-9_.-]) forward to `seq`, creating it. Never
 *  back: a seq below its cursor, or past the feed's head, is PF_INVALID_ARGUMENT and changes nothing.
 *  Thread-safe. Statuses: PF_OK, PF_INVALID_ARGUMENT, PF_STORAGE, PF_INTERNAL. */
PF_API pf_status pf_feed_ack(pf_engine* engine, const char* consumer, int64_t seq) PF_NOEXCEPT;

/** The n-th working day after `date` ("YYYY-MM-DD", n >= 0; n = 0 returns the date) on the engine's calendar:
 *  {"date": "YYYY-MM-DD", "provisional": bool} (provisional past the last loaded calendar year).
 *  Ownership: *date_json is freed with pf_free(). Thread-safe.
 *  Statuses: PF_OK, PF_INVALID_ARGUMENT (NULL, bad date, n < 0), PF_INTERNAL. */
PF_API pf_status pf_add_working_days(pf_engine* engine, const char* date, int n,
                                     char** date_json) PF_NOEXCEPT;

/** The message of the calling thread's last failed call: a sentence a portal can show (which field, which
 *  rule); "" when no call has failed on this thread. Ownership: owned by the library, valid until the next
 *  failed call on the same thread or the thread's exit; never free it. Not cleared by a successful call.
 *  Cannot fail. */
PF_API const char* pf_last_error(void) PF_NOEXCEPT;

/** Additive helper: the calling thread's last error as a JSON document
 *  {"status": n, "code": "rule_violation", "message": "…", "field": "/json/pointer" | null}
 *  ({"status": 0, "code": "ok", "message": "", "field": null} when no call has failed on this thread).
 *  Ownership: *error_json is freed with pf_free(). Same per-thread caveat as pf_last_error().
 *  Statuses: PF_OK, PF_INVALID_ARGUMENT (error_json is NULL), PF_INTERNAL (out of memory). This call does not
 *  replace the last error with its own failure. */
PF_API pf_status pf_last_error_json(char** error_json) PF_NOEXCEPT;

/** Frees a string returned by this library. pf_free(NULL) is a no-op. Thread-safe. */
PF_API void pf_free(char* json) PF_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* PERMITFLOW_PERMITFLOW_H */
