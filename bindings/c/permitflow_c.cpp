// The C API shim: every pf_* function is a noexcept wrapper over permitflow::Engine. No exception crosses
// it; every failure becomes a pf_status plus the calling thread's last error message.
#include "permitflow/permitflow.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "permitflow/engine.hpp"
#include "permitflow/error.hpp"

struct pf_engine {
  explicit pf_engine(std::string_view config) : engine(config) {}
  permitflow::Engine engine;
};

namespace {

using permitflow::ErrorCode;

// The C status values are the C++ ErrorCode values (error.hpp); neither is ever renumbered.
static_assert(static_cast<int>(ErrorCode::ok) == PF_OK);
static_assert(static_cast<int>(ErrorCode::invalid_argument) == PF_INVALID_ARGUMENT);
static_assert(static_cast<int>(ErrorCode::not_found) == PF_NOT_FOUND);
static_assert(static_cast<int>(ErrorCode::invalid_state) == PF_INVALID_STATE);
static_assert(static_cast<int>(ErrorCode::permission_denied) == PF_PERMISSION_DENIED);
static_assert(static_cast<int>(ErrorCode::conflict) == PF_CONFLICT);
static_assert(static_cast<int>(ErrorCode::rule_violation) == PF_RULE_VIOLATION);
static_assert(static_cast<int>(ErrorCode::storage) == PF_STORAGE);
static_assert(static_cast<int>(ErrorCode::internal) == PF_INTERNAL);

constexpr const char* kOutOfMemory = "out of memory";

// The calling thread's last error. `fallback` is used when the message itself could not be stored.
struct LastError {
  pf_status status = PF_OK;
  std::string message;
  std::string field;
  const char* fallback = nullptr;
};
thread_local LastError last_error;

const char* status_name(pf_status s) noexcept {
  switch (s) {
    case PF_OK:
      return "ok";
    case PF_INVALID_ARGUMENT:
      return "invalid_argument";
    case PF_NOT_FOUND:
      return "not_found";
    case PF_INVALID_STATE:
      return "invalid_state";
    case PF_PERMISSION_DENIED:
      return "permission_denied";
    case PF_CONFLICT:
      return "conflict";
    case PF_RULE_VIOLATION:
      return "rule_violation";
    case PF_STORAGE:
      return "storage";
    case PF_INTERNAL:
      return "internal";
  }
  return "internal";
}

// Records the calling thread's last error and returns its status. Never throws: if the message cannot be
// stored, "out of memory" stands in for it.
pf_status fail(pf_status status, std::string_view prefix, std::string_view message = {},
               std::string_view field = {}) noexcept {
  LastError& e = last_error;
  e.status = status;
  try {
    e.message.assign(prefix);
    e.message.append(message);
    e.field.assign(field);
    e.fallback = nullptr;
  } catch (...) {
    e.message.clear();
    e.field.clear();
    e.fallback = kOutOfMemory;
  }
  return status;
}

pf_status from_code(ErrorCode code) noexcept {
  const int v = static_cast<int>(code);
  if (v <= PF_OK || v > PF_INTERNAL) return PF_INTERNAL;  // an Error must never say "ok"
  return static_cast<pf_status>(v);
}

// Copies `s` into a malloc'ed NUL-terminated string for the caller (freed with pf_free).
pf_status give(const std::string& s, char** out) noexcept {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p == nullptr) return fail(PF_INTERNAL, kOutOfMemory);
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  *out = p;
  return PF_OK;
}

// Maps the exception being handled to a status and records its message. Call only inside a catch block.
pf_status translate_exception() noexcept {
  try {
    throw;
  } catch (const permitflow::Error& e) {
    return fail(from_code(e.code()), e.what(), {}, e.field());
  } catch (const std::bad_alloc&) {
    return fail(PF_INTERNAL, kOutOfMemory);
  } catch (const std::exception& e) {
    return fail(PF_INTERNAL, "internal error: ", e.what());
  } catch (...) {
    return fail(PF_INTERNAL, "internal error: unknown exception");
  }
}

// A C string argument and the message given when it is NULL.
struct Arg {
  const char* value;
  const char* if_null;
};

// The one boundary every JSON-returning entry point shares: clear the out-parameter, refuse NULL arguments,
// run `call` on the engine, translate every exception, hand the result to the caller.
template <class Call>
pf_status json_call(char** out, pf_engine* engine, std::initializer_list<Arg> args, Call&& call) noexcept {
  if (out == nullptr) return fail(PF_INVALID_ARGUMENT, "the out-parameter is NULL");
  *out = nullptr;
  if (engine == nullptr) return fail(PF_INVALID_ARGUMENT, "engine is NULL");
  for (const Arg& a : args) {
    if (a.value == nullptr) return fail(PF_INVALID_ARGUMENT, a.if_null);
  }
  try {
    return give(call(engine->engine), out);
  } catch (...) {
    return translate_exception();
  }
}

}  // namespace

extern "C" {

const char* pf_version(void) noexcept { return permitflow::version(); }

pf_status pf_open(const char* config_json, pf_engine** out) noexcept {
  if (out == nullptr) return fail(PF_INVALID_ARGUMENT, "the out-parameter is NULL");
  *out = nullptr;
  if (config_json == nullptr) return fail(PF_INVALID_ARGUMENT, "config_json is NULL");
  try {
    *out = new pf_engine(config_json);  // pf_open parses nothing itself: the Engine reads its config
    return PF_OK;
  } catch (...) {
    return translate_exception();
  }
}

void pf_close(pf_engine* engine) noexcept { delete engine; }  // ~Engine is noexcept

pf_status pf_precheck(pf_engine* engine, const char* application_json, char** notice_json) noexcept {
  return json_call(notice_json, engine, {{application_json, "application_json is NULL"}},
                   [&](const permitflow::Engine& e) { return e.precheck(application_json); });
}

pf_status pf_submit(pf_engine* engine, const char* application_json, char** case_json) noexcept {
  return json_call(case_json, engine, {{application_json, "application_json is NULL"}},
                   [&](permitflow::Engine& e) { return e.submit(application_json); });
}

pf_status pf_execute(pf_engine* engine, const char* case_id, const char* command_json,
                     char** case_json) noexcept {
  return json_call(case_json, engine, {{case_id, "case_id is NULL"}, {command_json, "command_json is NULL"}},
                   [&](permitflow::Engine& e) { return e.execute(case_id, command_json); });
}

pf_status pf_get_case(pf_engine* engine, const char* case_id, char** case_json) noexcept {
  return json_call(case_json, engine, {{case_id, "case_id is NULL"}},
                   [&](const permitflow::Engine& e) { return e.get_case(case_id); });
}

pf_status pf_history(pf_engine* engine, const char* case_id, char** events_json) noexcept {
  return json_call(events_json, engine, {{case_id, "case_id is NULL"}},
                   [&](const permitflow::Engine& e) { return e.history(case_id); });
}

pf_status pf_get_case_as(pf_engine* engine, const char* case_id, const char* actor_json,
                         char** case_json) noexcept {
  return json_call(case_json, engine, {{case_id, "case_id is NULL"}, {actor_json, "actor_json is NULL"}},
                   [&](const permitflow::Engine& e) { return e.get_case_as(case_id, actor_json); });
}

pf_status pf_history_as(pf_engine* engine, const char* case_id, const char* actor_json,
                        char** events_json) noexcept {
  return json_call(events_json, engine, {{case_id, "case_id is NULL"}, {actor_json, "actor_json is NULL"}},
                   [&](const permitflow::Engine& e) { return e.history_as(case_id, actor_json); });
}

pf_status pf_query(pf_engine* engine, const char* query_json, char** cases_json) noexcept {
  return json_call(cases_json, engine, {{query_json, "query_json is NULL"}},
                   [&](const permitflow::Engine& e) { return e.query(query_json); });
}

pf_status pf_run_due(pf_engine* engine, const char* now_rfc3339, char** fired_json) noexcept {
  return json_call(fired_json, engine, {{now_rfc3339, "now_rfc3339 is NULL"}},
                   [&](permitflow::Engine& e) { return e.run_due(now_rfc3339); });
}

pf_status pf_report(pf_engine* engine, const char* report_json, char** report_out_json) noexcept {
  return json_call(report_out_json, engine, {{report_json, "report_json is NULL"}},
                   [&](const permitflow::Engine& e) { return e.report(report_json); });
}

pf_status pf_verify(pf_engine* engine, char** verify_json) noexcept {
  return json_call(verify_json, engine, {}, [&](const permitflow::Engine& e) { return e.verify(); });
}

pf_status pf_verify_with(pf_engine* engine, const char* options_json, char** verify_json) noexcept {
  return json_call(verify_json, engine, {{options_json, "options_json is NULL"}},
                   [&](const permitflow::Engine& e) { return e.verify(options_json); });
}

pf_status pf_feed(pf_engine* engine, const char* request_json, char** feed_json) noexcept {
  return json_call(feed_json, engine, {{request_json, "request_json is NULL"}},
                   [&](const permitflow::Engine& e) { return e.feed(request_json); });
}

pf_status pf_feed_ack(pf_engine* engine, const char* consumer, int64_t seq) noexcept {
  if (engine == nullptr) return fail(PF_INVALID_ARGUMENT, "engine is NULL");
  if (consumer == nullptr) return fail(PF_INVALID_ARGUMENT, "consumer is NULL");
  try {
    engine->engine.feed_ack(consumer, seq);
    return PF_OK;
  } catch (...) {
    return translate_exception();
  }
}

pf_status pf_add_working_days(pf_engine* engine, const char* date, int n, char** date_json) noexcept {
  return json_call(date_json, engine, {{date, "date is NULL"}},
                   [&](const permitflow::Engine& e) { return e.add_working_days(date, n); });
}

const char* pf_last_error(void) noexcept {
  const LastError& e = last_error;
  return e.fallback != nullptr ? e.fallback : e.message.c_str();
}

pf_status pf_last_error_json(char** error_json) noexcept {
  // Deliberately leaves the last error untouched: reading it never changes it.
  if (error_json == nullptr) return PF_INVALID_ARGUMENT;
  *error_json = nullptr;
  try {
    const LastError& e = last_error;
    const nlohmann::json j{{"status", static_cast<int>(e.status)},
                           {"code", status_name(e.status)},
                           {"message", e.fallback != nullptr ? std::string(e.fallback) : e.message},
                           {"field", e.field.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.field)}};
    const std::string s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    char* p = static_cast<char*>(std::malloc(s.size() + 1));
    if (p == nullptr) return PF_INTERNAL;
    std::memcpy(p, s.c_str(), s.size() + 1);
    *error_json = p;
    return PF_OK;
  } catch (...) {
    return PF_INTERNAL;
  }
}

void pf_free(char* json) noexcept { std::free(json); }

}  // extern "C"
