// Small pieces shared by the two kinds' case documents, written as text (case.cpp, complaint.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_text.hpp"
#include "permitflow/calendar.hpp"

namespace permitflow::document {

using json_text::Writer;

inline void string_or_null(Writer& w, std::string_view s) {
  if (s.empty()) {
    w.null();
  } else {
    w.string(s);
  }
}

inline void date_or_null(Writer& w, const std::optional<Date>& d) {
  if (d) {
    w.string(d->to_string());
  } else {
    w.null();
  }
}

inline void time_or_null(Writer& w, const std::optional<Instant>& t, int utc_offset_minutes) {
  if (t) {
    w.string(t->to_rfc3339(utc_offset_minutes));
  } else {
    w.null();
  }
}

template <class String>  // std::string or Text
void strings(Writer& w, const std::vector<String>& v) {
  w.begin_array();
  for (const auto& s : v) w.string(s);
  w.end_array();
}

/// {"en": …, "zh": …}
inline void name(Writer& w, std::string_view en, std::string_view zh) {
  w.begin_object();
  w.key("en");
  w.string(en);
  w.key("zh");
  w.string(zh);
  w.end_object();
}

/// {"id": …, "name": …}
inline void party(Writer& w, std::string_view id, std::string_view name) {
  w.begin_object();
  w.key("id");
  w.string(id);
  w.key("name");
  w.string(name);
  w.end_object();
}

}  // namespace permitflow::document
