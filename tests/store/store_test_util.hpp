// Helpers for the store tests: a temporary folder per test and small record builders.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "permitflow/error.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

namespace permitflow::store::testing {

using permitflow::testing::TempDir;

/// A StoreConfig spelled out in full (aggregate initialisation with missing fields warns under -Wextra).
inline StoreConfig config(const std::string& database, const std::string& synchronous = "full",
                          int busy_timeout_ms = 10000) {
  StoreConfig c;
  c.database = database;
  c.synchronous = synchronous;
  c.busy_timeout_ms = busy_timeout_ms;
  return c;
}

/// A CaseFilter from (field, value) pairs, e.g. filter({{"permit", "road_excavation"}}, 10).
inline CaseFilter filter(std::initializer_list<std::pair<const char*, std::string>> fields, int limit = 0) {
  CaseFilter f;
  for (const auto& [name, value] : fields) {
    const std::string n = name;
    std::string* slot = n == "permit"                ? &f.subject
                        : n == "state"               ? &f.state
                        : n == "light"               ? &f.light
                        : n == "applicant"           ? &f.applicant
                        : n == "awaiting_department" ? &f.awaiting_department
                        : n == "due_before"          ? &f.due_before
                        : n == "due_after"           ? &f.due_after
                        : n == "after"               ? &f.after
                                                     : nullptr;
    if (slot == nullptr) throw std::invalid_argument("unknown filter field " + n);
    *slot = value;
  }
  f.limit = limit;
  return f;
}

inline CaseRecord make_case(const std::string& id, const std::string& permit = "road_excavation",
                            const std::string& state = "submitted", const std::string& applicant = "acme",
                            const std::string& light = "green", const std::string& due = "2026-01-12",
                            const std::string& awaiting = "") {
  CaseRecord r;
  r.id = id;
  r.subject = permit;
  r.definition_version = 1;
  r.applicant_id = applicant;
  r.state = state;
  r.light = light;
  r.due = due;
  r.awaiting_departments = awaiting;
  r.document = R"({"id":")" + id + R"("})";
  return r;
}

inline EventRecord make_event(const std::string& type, const std::string& at = "2026-01-05T09:00:00+08:00",
                              const std::string& data = "{}") {
  EventRecord e;
  e.type = type;
  e.at = at;
  e.actor = R"({"id":"clerk-1","role":"clerk"})";
  e.data = data;
  return e;
}

inline std::vector<EventRecord> make_events(int n, const std::string& type = "opinion_recorded") {
  std::vector<EventRecord> out;
  for (int i = 0; i < n; ++i)
    out.push_back(make_event(type, "2026-01-05T09:00:00+08:00", R"({"n":)" + std::to_string(i) + "}"));
  return out;
}

/// The error code `f` throws, or ErrorCode::ok when it returns.
inline ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::ok;
}

}  // namespace permitflow::store::testing
