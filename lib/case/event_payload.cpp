#include "case/event_payload.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <type_traits>

#include "case/document_writer.hpp"
#include "common/json_text.hpp"
#include "permitflow/error.hpp"

namespace permitflow {

using json_text::PlainKey;
using json_text::Writer;

namespace payload {

void write_materials(Writer& w, const std::vector<SubmittedMaterial>& materials) {
  w.begin_array();
  for (const auto& m : materials) {
    w.begin_object();
    w.key("expires_on");
    if (m.expires_on) {
      w.string(m.expires_on->to_string());
    } else {
      w.null();
    }
    w.key("format");
    w.string(m.format);
    w.key("id");
    w.string(m.id);
    w.key("received_on");
    w.string(m.received_on.to_string());
    if (!m.sha256.empty()) {
      w.key("sha256");
      w.string(m.sha256);
    }
    w.end_object();
  }
  w.end_array();
}

void write_notice_items(Writer& w, const std::vector<Deficiency>& items) {
  w.begin_array();
  for (const auto& i : items) {
    w.begin_object();
    w.key("material");
    w.string(i.material);
    if (!i.note.empty()) {
      w.key("note");
      w.string(i.note);
    }
    w.key("problem");
    w.string(to_string(i.problem));
    w.end_object();
  }
  w.end_array();
}

void write_signature(Writer& w, const SignedCommitment& s, const std::vector<std::string>* items) {
  w.begin_object();
  if (items) {
    w.key("items");
    document::strings(w, *items);
  }
  w.key("signed_at");
  w.string(s.signed_at);
  w.key("signed_by");
  w.string(s.signed_by);
  w.key("text_sha256");
  w.string(s.text_sha256);
  w.end_object();
}

}  // namespace payload

namespace {

using namespace payload;

// ---------------------------------------------------------------------------------------------------------
// Writing: each shape's keys in byte order, as the dump of a tree (a std::map per object) wrote them.

void key_string(Writer& w, PlainKey k, std::string_view v) {
  w.key(k);
  w.string(v);
}

void key_date(Writer& w, PlainKey k, Date d) { key_string(w, k, d.to_string()); }

void key_opt_string(Writer& w, PlainKey k, const std::optional<std::string>& v) {
  if (v) key_string(w, k, *v);
}

void key_clock(Writer& w, const TimerClock& c) { key_string(w, "clock", c.text()); }

void applicant(Writer& w, const Applicant& p) {
  w.begin_object();
  key_string(w, "id", p.id);
  key_string(w, "name", p.name);
  w.end_object();
}

void changed_value(Writer& w, const ChangedValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    w.string(*s);
  } else if (const auto* b = std::get_if<bool>(&v)) {
    w.boolean(*b);
  } else {
    w.null();
  }
}

void write(Writer&, const Empty&) {}

void write(Writer& w, const Submitted& p) {
  if (p.applicant) {
    w.key("applicant");
    applicant(w, *p.applicant);
  }
  key_opt_string(w, "calendar_version", p.calendar_version);
  key_string(w, "case_id", p.case_id);
  key_opt_string(w, "category", p.category);
  if (p.commitment_signature) {
    w.key("commitment");
    write_signature(w, *p.commitment_signature, p.commitment_items ? &*p.commitment_items : nullptr);
  }
  key_opt_string(w, "definition_hash", p.definition_hash);
  w.key("definition_version");
  w.number(p.definition_version);
  key_opt_string(w, "description", p.description);
  w.key("facts");
  w.raw(p.facts);
  w.key("flags");
  document::strings(w, p.flags);
  if (p.kind) key_string(w, "kind", to_string(*p.kind));
  key_opt_string(w, "location", p.location);
  w.key("materials");
  write_materials(w, p.materials);
  key_string(w, "permit", p.permit);
  key_date(w, "received_on", p.received_on);
  if (p.renewal_expiry) key_date(w, "renewal_expiry", *p.renewal_expiry);
  key_opt_string(w, "renewal_of", p.renewal_of);
  if (p.reporter) {
    w.key("reporter");
    applicant(w, *p.reporter);
  }
  key_opt_string(w, "source", p.source);
}

void write(Writer& w, const CorrectionRequested& p) {
  key_date(w, "issued_on", p.issued_on);
  w.key("items");
  write_notice_items(w, p.items);
}

void write(Writer& w, const Resubmitted& p) {
  if (p.facts) {
    w.key("facts");
    w.raw(*p.facts);
  }
  w.key("flags");
  document::strings(w, p.flags);
  w.key("materials");
  write_materials(w, p.materials);
  key_date(w, "received_on", p.received_on);
}

void write(Writer& w, const Accepted& p) {
  key_date(w, "accepted_on", p.accepted_on);
  if (p.clock) key_clock(w, *p.clock);
  if (p.tolerance) {
    w.key("tolerance");
    w.begin_object();
    w.key("commitment");
    write_signature(w, p.tolerance->commitment, nullptr);
    w.key("items");
    document::strings(w, p.tolerance->items);
    key_date(w, "supply_by", p.tolerance->supply_by);
    w.end_object();
  }
}

void write(Writer& w, const Reasoned& p) { key_string(w, "reason", p.reason); }

void write(Writer& w, const OpinionRecorded& p) {
  key_string(w, "comment", p.comment);
  key_string(w, "department", p.department);
  key_string(w, "opinion", p.approve ? "approve" : "deny");
}

void write(Writer& w, const InspectionRecorded& p) {
  key_string(w, "findings", p.findings);
  w.key("inspectors");
  document::strings(w, p.inspectors);
}

void write(Writer& w, const Suspended& p) {
  w.key("expected_working_days");
  w.number(p.expected_working_days);
  key_date(w, "from", p.from);
  key_string(w, "notice", p.notice);
  key_string(w, "reason", p.reason);
}

void write(Writer& w, const Resumed& p) { key_date(w, "to", p.to); }

void write(Writer& w, const Extended& p) {
  key_string(w, "reason", p.reason);
  w.key("working_days");
  w.number(p.working_days);
}

void write(Writer& w, const Decided& p) {
  key_string(w, "outcome", p.approved ? "approved" : "denied");
  key_string(w, "reasons", p.reasons);
}

void write(Writer& w, const CertificateIssued& p) {
  if (p.clock) key_clock(w, *p.clock);
  key_string(w, "number", p.number);
  key_date(w, "valid_from", p.valid_from);
  w.key("valid_until");
  if (p.valid_until) {
    w.string(p.valid_until->to_string());
  } else {
    w.null();
  }
}

void write(Writer& w, const DeadlineAlert& p) {
  key_clock(w, p.clock);
  key_string(w, "due", p.due);
  key_opt_string(w, "escalated_to", p.escalated_to);
  key_string(w, "level", to_string(p.level));
  w.key("responsible");
  if (const auto* one = std::get_if<std::string>(&p.responsible)) {
    w.string(*one);
  } else {
    document::strings(w, std::get<std::vector<std::string>>(p.responsible));
  }
}

void write(Writer& w, const Clocked& p) { key_clock(w, p.clock); }

void write(Writer& w, const SuspensionOverrun& p) {
  key_clock(w, p.clock);
  key_date(w, "expected_end", p.expected_end);
}

void write(Writer& w, const Validity& p) {
  key_clock(w, p.clock);
  if (p.valid_until) key_date(w, "valid_until", *p.valid_until);
}

void write(Writer& w, const DeadlinesRecomputed& p) {
  key_string(w, "calendar_version", p.calendar_version);
  if (p.changes) {
    w.key("changes");
    w.begin_array();
    for (const CalendarChange& c : *p.changes) {
      w.begin_object();
      key_string(w, "clock", to_string(c.clock));
      key_string(w, "field", c.field);
      w.key("from");
      changed_value(w, c.from);
      w.key("to");
      changed_value(w, c.to);
      w.end_object();
    }
    w.end_array();
  }
  key_opt_string(w, "previous_calendar_version", p.previous_calendar_version);
}

void write(Writer& w, const Supplied& p) {
  w.key("materials");
  write_materials(w, p.materials);
  w.key("outstanding");
  document::strings(w, p.outstanding);
  w.key("pending");
  w.boolean(p.pending);
  key_date(w, "received_on", p.received_on);
}

void write(Writer& w, const SupplyReminder& p) {
  key_clock(w, p.clock);
  key_date(w, "due", p.due);
  w.key("items");
  document::strings(w, p.items);
  key_date(w, "supply_by", p.supply_by);
}

void write(Writer& w, const Terminated& p) {
  key_clock(w, p.clock);
  w.key("items");
  document::strings(w, p.items);
  w.key("outstanding");
  document::strings(w, p.outstanding);
  key_string(w, "reason", p.reason);
  key_date(w, "supply_by", p.supply_by);
}

void write(Writer& w, const VerificationRecorded& p) {
  key_date(w, "due", p.due);
  w.key("items");
  document::strings(w, p.items);
  w.key("method");
  if (p.method) {
    w.string(*p.method);
  } else {
    w.null();
  }
  key_string(w, "note", p.note);
  key_string(w, "result", p.result);
}

void write(Writer& w, const CreditFlagged& p) {
  w.key("applicant");
  applicant(w, p.applicant);
  w.key("items");
  document::strings(w, p.items);
  key_string(w, "reason", p.reason);
  key_string(w, "signed_by", p.signed_by);
}

void write(Writer& w, const Registered& p) {
  key_opt_string(w, "note", p.note);
  w.key("verified");
  w.boolean(p.verified);
}

void write(Writer& w, const Dispatched& p) {
  w.key("by_table");
  w.boolean(p.by_table);
  key_opt_string(w, "note", p.note);
  key_string(w, "unit", p.unit);
}

void write(Writer& w, const Returned& p) {
  key_string(w, "reasons", p.reasons);
  key_string(w, "unit", p.unit);
}

void write(Writer& w, const Noted& p) { key_opt_string(w, "note", p.note); }

void write(Writer& w, const DeputyAssigned& p) {
  key_string(w, "deputy", p.deputy);
  key_opt_string(w, "instructions", p.instructions);
}

void write(Writer& w, const Replied& p) { key_string(w, "reply", p.reply); }

void write(Writer& w, const Rated& p) {
  key_opt_string(w, "comment", p.comment);
  w.key("rating");
  w.number(p.rating);
}

void write(Writer& w, const Reopened& p) {
  w.key("rating");
  w.number(p.rating);
  w.key("working_days");
  w.number(p.working_days);
}

void write(Writer& w, const Closed& p) { key_opt_string(w, "reason", p.reason); }

// ---------------------------------------------------------------------------------------------------------
// Reading: one pass over the text, no tree. A failure throws Unreadable; payload_from_text names the event
// type and the path of keys where it happened.

struct Unreadable {
  std::string what;
};

class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) { path_.reserve(8); }

  /// Calls member(key) for each member of the object that comes next; member reads (or skips) its value.
  template <typename F>
  void object(F&& member) {
    space();
    expect('{');
    space();
    if (peek() == '}') {
      ++i_;
      return;
    }
    for (;;) {
      space();
      if (peek() != '"') fail("a key was expected");
      const std::string_view k = key();
      space();
      expect(':');
      path_.push_back({k, 0, false});
      member(k);
      path_.pop_back();
      space();
      const char c = next();
      if (c == ',') continue;
      if (c == '}') return;
      fail("',' or '}' was expected");
    }
  }

  /// Calls element() for each element of the array that comes next.
  template <typename F>
  void array(F&& element) {
    space();
    expect('[');
    space();
    if (peek() == ']') {
      ++i_;
      return;
    }
    for (std::size_t n = 0;; ++n) {
      path_.push_back({{}, n, true});
      element();
      path_.pop_back();
      space();
      const char c = next();
      if (c == ',') continue;
      if (c == ']') return;
      fail("',' or ']' was expected");
    }
  }

  /// Consumes a null if one comes next.
  bool null() {
    space();
    if (s_.substr(i_, 4) != "null") return false;
    i_ += 4;
    return true;
  }

  std::string string() {
    space();
    if (peek() != '"') fail("a string was expected");
    std::string out;
    read_string(out);
    return out;
  }

  std::optional<std::string> string_or_null() {
    if (null()) return std::nullopt;
    return string();
  }

  Date date() {
    const std::string text = string();
    return Date::parse(text);
  }

  std::optional<Date> date_or_null() {
    if (null()) return std::nullopt;
    return date();
  }

  TimerClock clock() {
    const std::string text = string();
    const auto c = parse_timer_clock(text);
    if (!c) fail("unknown clock '" + text + "'");
    return *c;
  }

  int integer() {
    space();
    const char* begin = s_.data() + i_;
    const char* end = s_.data() + s_.size();
    std::int64_t n = 0;
    const auto [ptr, ec] = std::from_chars(begin, end, n);
    if (ec != std::errc() || (ptr < end && (*ptr == '.' || *ptr == 'e' || *ptr == 'E')) ||
        n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
      fail("an integer was expected");
    i_ += static_cast<std::size_t>(ptr - begin);
    return static_cast<int>(n);
  }

  bool boolean() {
    space();
    if (s_.substr(i_, 4) == "true") {
      i_ += 4;
      return true;
    }
    if (s_.substr(i_, 5) == "false") {
      i_ += 5;
      return false;
    }
    fail("true or false was expected");
  }

  std::vector<std::string> strings() {
    std::vector<std::string> out;
    array([&] { out.push_back(string()); });
    return out;
  }

  /// The text of the value that comes next, as written.
  std::string_view raw() {
    space();
    const std::size_t start = i_;
    skip_value();
    return s_.substr(start, i_ - start);
  }

  void skip() { raw(); }

  /// After the top-level value: only whitespace may follow.
  void end() {
    space();
    if (i_ != s_.size()) fail("text after the data's object");
  }

  [[noreturn]] void fail(const std::string& what) { throw Unreadable{what}; }
  [[noreturn]] void missing(std::string_view k) {
    path_.push_back({k, 0, false});
    fail("the key is missing");
  }

  /// Where the reader is, as a JSON pointer ("/items/0/problem").
  std::string where() const {
    std::string out;
    for (const Step& s : path_) out += "/" + (s.is_index ? std::to_string(s.index) : std::string(s.key));
    return out.empty() ? "/" : out;
  }

 private:
  struct Step {
    std::string_view key;
    std::size_t index = 0;
    bool is_index = false;
  };

  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  char next() {
    if (i_ >= s_.size()) fail("the text ends early");
    return s_[i_++];
  }
  void expect(char c) {
    if (next() != c) fail(std::string("'") + c + "' was expected");
  }
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }

  // The first '"' or '\\' at or after `from`, or npos: where a string's plain run stops. Two memchr scans;
  // string_view::find_first_of calls memchr on its two-byte set for every byte of the text (in verify's
  // profile, two fifths of reading a stored event).
  std::size_t string_stop(std::size_t from) const {
    if (from >= s_.size()) return std::string_view::npos;
    const char* begin = s_.data() + from;
    const std::size_t n = s_.size() - from;
    const auto* quote = static_cast<const char*>(std::memchr(begin, '"', n));
    const std::size_t until = quote ? static_cast<std::size_t>(quote - begin) : n;
    const auto* escape = static_cast<const char*>(std::memchr(begin, '\\', until));
    if (escape) return from + static_cast<std::size_t>(escape - begin);
    return quote ? from + until : std::string_view::npos;
  }

  // A key as a view of the text; one with escapes is decoded into storage that lives as long as the reader.
  std::string_view key() {
    const std::size_t start = i_ + 1;
    const std::size_t end = string_stop(start);
    if (end != std::string_view::npos && s_[end] == '"') {
      i_ = end + 1;
      return s_.substr(start, end - start);
    }
    decoded_keys_.emplace_back();
    read_string(decoded_keys_.back());
    return decoded_keys_.back();
  }

  void read_string(std::string& out) {
    ++i_;  // the opening quote
    for (;;) {
      const std::size_t stop = string_stop(i_);
      if (stop == std::string_view::npos) fail("a string does not end");
      out.append(s_.substr(i_, stop - i_));
      i_ = stop + 1;
      if (s_[stop] == '"') return;
      const char e = next();
      if (const char c = json_text::short_escape(e)) {
        out += c;
        continue;
      }
      if (e != 'u') fail("an unknown escape");
      std::uint32_t cp = hex4();
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (next() != '\\' || next() != 'u') fail("an unpaired surrogate");
        const std::uint32_t low = hex4();
        if (low < 0xDC00 || low > 0xDFFF) fail("an unpaired surrogate");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      }
      utf8(out, cp);
    }
  }

  std::uint32_t hex4() {
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = next();
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        fail("a bad \\u escape");
      }
    }
    return v;
  }

  static void utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // Skips one value (containers by depth, strings by their escapes) without decoding it.
  void skip_value() {
    int depth = 0;
    do {
      space();
      const char c = next();
      switch (c) {
        case '{':
        case '[':
          ++depth;
          break;
        case '}':
        case ']':
          --depth;
          break;
        case ',':
        case ':':
          break;
        case '"':
          for (;;) {
            const std::size_t stop = string_stop(i_);
            if (stop == std::string_view::npos) fail("a string does not end");
            i_ = stop + 1;
            if (s_[stop] == '"') break;
            ++i_;  // the escaped character (a \u's digits are plain)
          }
          break;
        default:  // a number or literal: up to the next delimiter
          while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && s_[i_] != ' ' &&
                 s_[i_] != '\n' && s_[i_] != '\t' && s_[i_] != '\r')
            ++i_;
      }
      if (depth < 0) fail("an unbalanced bracket");
      // Inside a container, its elements, commas and colons are consumed by this loop.
    } while (depth > 0);
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::vector<Step> path_;
  std::vector<std::string> decoded_keys_;
};

/// Marks required keys as seen; reports the first missing one.
template <std::size_t N>
struct Required {
  std::array<std::string_view, N> keys;
  std::array<bool, N> seen{};
  void see(std::string_view k) {
    for (std::size_t i = 0; i < N; ++i)
      if (keys[i] == k) seen[i] = true;
  }
  void check(Reader& r) const {
    for (std::size_t i = 0; i < N; ++i)
      if (!seen[i]) r.missing(keys[i]);
  }
};
template <std::size_t N>
Required<N> required(const char* const (&keys)[N]) {
  Required<N> r;
  for (std::size_t i = 0; i < N; ++i) r.keys[i] = keys[i];
  return r;
}

Applicant read_applicant(Reader& r) {
  Applicant p;
  auto req = required({"id"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "id") {
      p.id = r.string();
    } else if (k == "name") {
      p.name = r.string_or_null().value_or("");
    } else {
      r.skip();
    }
  });
  req.check(r);
  return p;
}

SignedCommitment read_signature(Reader& r, std::optional<std::vector<std::string>>* items) {
  SignedCommitment s;
  auto req = required({"signed_at", "signed_by", "text_sha256"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "signed_at") {
      s.signed_at = r.string();
    } else if (k == "signed_by") {
      s.signed_by = r.string();
    } else if (k == "text_sha256") {
      s.text_sha256 = r.string();
    } else if (k == "items" && items) {
      *items = r.strings();
    } else {
      r.skip();
    }
  });
  req.check(r);
  return s;
}

std::vector<SubmittedMaterial> read_materials(Reader& r) {
  std::vector<SubmittedMaterial> out;
  r.array([&] {
    SubmittedMaterial m;
    auto req = required({"id", "received_on"});
    r.object([&](std::string_view k) {
      req.see(k);
      if (k == "id") {
        m.id = r.string();
      } else if (k == "format") {
        m.format = r.string_or_null().value_or("");
      } else if (k == "expires_on") {
        m.expires_on = r.date_or_null();
      } else if (k == "sha256") {
        m.sha256 = r.string_or_null().value_or("");
      } else if (k == "received_on") {
        m.received_on = r.date();
      } else {
        r.skip();
      }
    });
    req.check(r);
    out.push_back(std::move(m));
  });
  return out;
}

std::vector<Deficiency> read_notice_items(Reader& r) {
  std::vector<Deficiency> out;
  r.array([&] {
    Deficiency d;
    auto req = required({"material", "problem"});
    r.object([&](std::string_view k) {
      req.see(k);
      if (k == "material") {
        d.material = r.string();
      } else if (k == "problem") {
        const std::string text = r.string();
        const auto problem = parse_problem(text);
        if (!problem) r.fail("unknown problem '" + text + "'");
        d.problem = *problem;
      } else if (k == "note") {
        d.note = r.string_or_null().value_or("");
      } else {
        r.skip();
      }
    });
    req.check(r);
    out.push_back(std::move(d));
  });
  return out;
}

ChangedValue read_changed_value(Reader& r) {
  if (r.null()) return std::monostate{};
  const std::string_view text = r.raw();
  if (text == "true") return true;
  if (text == "false") return false;
  Reader inner(text);
  return inner.string();
}

// A string the log may hold as null or lack: apply() reads both as "".
std::string lenient_string(Reader& r) { return r.string_or_null().value_or(""); }

void read(Reader& r, Empty&) {
  r.object([&](std::string_view) { r.skip(); });
}

void read(Reader& r, Submitted& p) {
  auto req =
      required({"case_id", "permit", "definition_version", "facts", "materials", "received_on", "flags"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "applicant") {
      p.applicant = read_applicant(r);
    } else if (k == "calendar_version") {
      p.calendar_version = r.string_or_null();
    } else if (k == "case_id") {
      p.case_id = r.string();
    } else if (k == "category") {
      p.category = r.string();
    } else if (k == "commitment") {
      std::optional<std::vector<std::string>> items;
      p.commitment_signature = read_signature(r, &items);
      if (!items) r.missing("items");
      p.commitment_items = std::move(items);
    } else if (k == "definition_hash") {
      p.definition_hash = r.string();
    } else if (k == "definition_version") {
      p.definition_version = r.integer();
    } else if (k == "description") {
      p.description = r.string();
    } else if (k == "facts") {
      p.facts = std::string(r.raw());
    } else if (k == "flags") {
      p.flags = r.strings();
    } else if (k == "kind") {
      const auto text = r.string_or_null();
      if (text) {  // an unknown kind is a permit's, as apply() read it
        p.kind = parse_kind(*text);
        if (!p.kind) r.fail("unknown kind '" + *text + "'");
      }
    } else if (k == "location") {
      p.location = r.string();
    } else if (k == "materials") {
      p.materials = read_materials(r);
    } else if (k == "permit") {
      p.permit = r.string();
    } else if (k == "received_on") {
      p.received_on = r.date();
    } else if (k == "renewal_expiry") {
      p.renewal_expiry = r.date_or_null();
    } else if (k == "renewal_of") {
      p.renewal_of = r.string_or_null();
    } else if (k == "reporter") {
      p.reporter = read_applicant(r);
    } else if (k == "source") {
      p.source = r.string();
    } else {
      r.skip();
    }
  });
  req.check(r);
  if (!p.applicant && !p.reporter) r.missing("applicant");
}

void read(Reader& r, CorrectionRequested& p) {
  auto req = required({"issued_on", "items"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "issued_on") {
      p.issued_on = r.date();
    } else if (k == "items") {
      p.items = read_notice_items(r);
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Resubmitted& p) {
  auto req = required({"materials", "received_on", "flags"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "facts") {
      p.facts = std::string(r.raw());
    } else if (k == "flags") {
      p.flags = r.strings();
    } else if (k == "materials") {
      p.materials = read_materials(r);
    } else if (k == "received_on") {
      p.received_on = r.date();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Accepted& p) {
  auto req = required({"accepted_on"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "accepted_on") {
      p.accepted_on = r.date();
    } else if (k == "clock") {
      p.clock = r.clock();
    } else if (k == "tolerance") {
      ToleranceGrant t;
      auto treq = required({"items", "supply_by", "commitment"});
      r.object([&](std::string_view tk) {
        treq.see(tk);
        if (tk == "items") {
          t.items = r.strings();
        } else if (tk == "supply_by") {
          t.supply_by = r.date();
        } else if (tk == "commitment") {
          t.commitment = read_signature(r, nullptr);
        } else {
          r.skip();
        }
      });
      treq.check(r);
      p.tolerance = std::move(t);
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Reasoned& p) {
  r.object([&](std::string_view k) {
    if (k == "reason") {
      p.reason = lenient_string(r);
    } else {
      r.skip();
    }
  });
}

void read(Reader& r, OpinionRecorded& p) {
  auto req = required({"department", "opinion"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "department") {
      p.department = r.string();
    } else if (k == "opinion") {
      const std::string text = r.string();
      if (text != "approve" && text != "deny") r.fail("unknown opinion '" + text + "'");
      p.approve = text == "approve";
    } else if (k == "comment") {
      p.comment = lenient_string(r);
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, InspectionRecorded& p) {
  auto req = required({"inspectors"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "inspectors") {
      p.inspectors = r.strings();
    } else if (k == "findings") {
      p.findings = lenient_string(r);
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Suspended& p) {
  auto req = required({"reason", "from", "expected_working_days"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "reason") {
      p.reason = r.string();
    } else if (k == "from") {
      p.from = r.date();
    } else if (k == "expected_working_days") {
      p.expected_working_days = r.integer();
    } else if (k == "notice") {
      p.notice = lenient_string(r);
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Resumed& p) {
  auto req = required({"to"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "to") {
      p.to = r.date();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Extended& p) {
  auto req = required({"working_days"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "working_days") {
      p.working_days = r.integer();
    } else if (k == "reason") {
      p.reason = lenient_string(r);
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Decided& p) {
  auto req = required({"outcome"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "outcome") {
      const std::string text = r.string();
      if (text != "approved" && text != "denied") r.fail("unknown outcome '" + text + "'");
      p.approved = text == "approved";
    } else if (k == "reasons") {
      p.reasons = lenient_string(r);
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, CertificateIssued& p) {
  auto req = required({"number", "valid_from"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "clock") {
      p.clock = r.clock();
    } else if (k == "number") {
      p.number = r.string();
    } else if (k == "valid_from") {
      p.valid_from = r.date();
    } else if (k == "valid_until") {
      p.valid_until = r.date_or_null();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, DeadlineAlert& p) {
  auto req = required({"clock", "due", "level", "responsible"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "clock") {
      p.clock = r.clock();
    } else if (k == "due") {
      p.due = r.string();
    } else if (k == "escalated_to") {
      p.escalated_to = r.string();
    } else if (k == "level") {
      const std::string text = r.string();
      const auto light = parse_light(text);
      if (!light) r.fail("unknown level '" + text + "'");
      p.level = *light;
    } else if (k == "responsible") {
      const std::string_view text = r.raw();
      Reader inner(text);
      if (text.starts_with('[')) {
        p.responsible = inner.strings();
      } else {
        p.responsible = inner.string();
      }
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Clocked& p) {
  auto req = required({"clock"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "clock") {
      p.clock = r.clock();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, SuspensionOverrun& p) {
  auto req = required({"clock", "expected_end"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "clock") {
      p.clock = r.clock();
    } else if (k == "expected_end") {
      p.expected_end = r.date();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Validity& p) {
  auto req = required({"clock"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "clock") {
      p.clock = r.clock();
    } else if (k == "valid_until") {
      p.valid_until = r.date_or_null();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, DeadlinesRecomputed& p) {
  r.object([&](std::string_view k) {
    if (k == "calendar_version") {
      p.calendar_version = lenient_string(r);
    } else if (k == "previous_calendar_version") {
      p.previous_calendar_version = r.string();
    } else if (k == "changes") {
      std::vector<CalendarChange> changes;
      r.array([&] {
        CalendarChange c;
        auto req = required({"clock", "field", "from", "to"});
        r.object([&](std::string_view ck) {
          req.see(ck);
          if (ck == "clock") {
            const std::string text = r.string();
            const auto name = parse_clock_name(text);
            if (!name) r.fail("unknown clock '" + text + "'");
            c.clock = *name;
          } else if (ck == "field") {
            c.field = r.string();
          } else if (ck == "from") {
            c.from = read_changed_value(r);
          } else if (ck == "to") {
            c.to = read_changed_value(r);
          } else {
            r.skip();
          }
        });
        req.check(r);
        changes.push_back(std::move(c));
      });
      p.changes = std::move(changes);
    } else {
      r.skip();
    }
  });
}

void read(Reader& r, Supplied& p) {
  auto req = required({"materials", "received_on", "outstanding", "pending"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "materials") {
      p.materials = read_materials(r);
    } else if (k == "received_on") {
      p.received_on = r.date();
    } else if (k == "outstanding") {
      p.outstanding = r.strings();
    } else if (k == "pending") {
      p.pending = r.boolean();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, SupplyReminder& p) {
  auto req = required({"clock", "due", "supply_by", "items"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "clock") {
      p.clock = r.clock();
    } else if (k == "due") {
      p.due = r.date();
    } else if (k == "supply_by") {
      p.supply_by = r.date();
    } else if (k == "items") {
      p.items = r.strings();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Terminated& p) {
  auto req = required({"clock", "supply_by", "outstanding", "items"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "clock") {
      p.clock = r.clock();
    } else if (k == "reason") {
      p.reason = lenient_string(r);
    } else if (k == "supply_by") {
      p.supply_by = r.date();
    } else if (k == "outstanding") {
      p.outstanding = r.strings();
    } else if (k == "items") {
      p.items = r.strings();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, VerificationRecorded& p) {
  auto req = required({"items", "due"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "result") {
      p.result = lenient_string(r);
    } else if (k == "method") {
      p.method = r.string_or_null();
    } else if (k == "note") {
      p.note = lenient_string(r);
    } else if (k == "items") {
      p.items = r.strings();
    } else if (k == "due") {
      p.due = r.date();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, CreditFlagged& p) {
  auto req = required({"applicant", "reason", "items", "signed_by"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "applicant") {
      p.applicant = read_applicant(r);
    } else if (k == "reason") {
      p.reason = r.string();
    } else if (k == "items") {
      p.items = r.strings();
    } else if (k == "signed_by") {
      p.signed_by = r.string();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Registered& p) {
  auto req = required({"verified"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "note") {
      p.note = r.string_or_null();
    } else if (k == "verified") {
      p.verified = r.boolean();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Dispatched& p) {
  auto req = required({"unit", "by_table"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "note") {
      p.note = r.string_or_null();
    } else if (k == "unit") {
      p.unit = r.string();
    } else if (k == "by_table") {
      p.by_table = r.boolean();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Returned& p) {
  auto req = required({"unit"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "unit") {
      p.unit = r.string();
    } else if (k == "reasons") {
      p.reasons = lenient_string(r);
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Noted& p) {
  r.object([&](std::string_view k) {
    if (k == "note") {
      p.note = r.string_or_null();
    } else {
      r.skip();
    }
  });
}

void read(Reader& r, DeputyAssigned& p) {
  auto req = required({"deputy"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "deputy") {
      p.deputy = r.string();
    } else if (k == "instructions") {
      p.instructions = r.string_or_null();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Replied& p) {
  r.object([&](std::string_view k) {
    if (k == "reply") {
      p.reply = lenient_string(r);
    } else {
      r.skip();
    }
  });
}

void read(Reader& r, Rated& p) {
  auto req = required({"rating"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "rating") {
      p.rating = r.integer();
    } else if (k == "comment") {
      p.comment = r.string_or_null();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Reopened& p) {
  auto req = required({"working_days"});
  r.object([&](std::string_view k) {
    req.see(k);
    if (k == "working_days") {
      p.working_days = r.integer();
    } else if (k == "rating") {
      p.rating = r.integer();
    } else {
      r.skip();
    }
  });
  req.check(r);
}

void read(Reader& r, Closed& p) {
  r.object([&](std::string_view k) {
    if (k == "reason") {
      p.reason = r.string_or_null();
    } else {
      r.skip();
    }
  });
}

// The index of the alternative T in EventPayload, at compile time.
template <typename T, typename... A>
constexpr std::size_t index_in(const std::variant<A...>*) {
  constexpr bool same[] = {std::is_same_v<T, A>...};
  for (std::size_t i = 0; i < sizeof...(A); ++i)
    if (same[i]) return i;
  return std::variant_npos;
}
template <typename T>
constexpr std::size_t index_of() {
  constexpr std::size_t i = index_in<T>(static_cast<const EventPayload*>(nullptr));
  static_assert(i != std::variant_npos);
  return i;
}

}  // namespace

std::size_t payload_index(EventType type) noexcept {
  switch (type) {
    case EventType::submitted:
      return index_of<Submitted>();
    case EventType::correction_requested:
      return index_of<CorrectionRequested>();
    case EventType::resubmitted:
      return index_of<Resubmitted>();
    case EventType::accepted:
    case EventType::acceptance_deemed:
      return index_of<Accepted>();
    case EventType::rejected:
    case EventType::withdrawn:
    case EventType::revoked:
    case EventType::escalated:
      return index_of<Reasoned>();
    case EventType::opinion_recorded:
      return index_of<OpinionRecorded>();
    case EventType::inspection_recorded:
      return index_of<InspectionRecorded>();
    case EventType::suspended:
      return index_of<Suspended>();
    case EventType::resumed:
      return index_of<Resumed>();
    case EventType::extended:
      return index_of<Extended>();
    case EventType::decided:
      return index_of<Decided>();
    case EventType::certificate_issued:
    case EventType::renewal_deemed:
      return index_of<CertificateIssued>();
    case EventType::completion_reported:
      return index_of<Empty>();
    case EventType::closed:
      return index_of<Closed>();
    case EventType::deadline_warning:
    case EventType::deadline_overdue:
      return index_of<DeadlineAlert>();
    case EventType::suspension_overrun:
      return index_of<SuspensionOverrun>();
    case EventType::correction_lapsed:
      return index_of<Clocked>();
    case EventType::permit_expiring:
    case EventType::permit_expired:
      return index_of<Validity>();
    case EventType::deadlines_recomputed:
      return index_of<DeadlinesRecomputed>();
    case EventType::supplied:
      return index_of<Supplied>();
    case EventType::supply_reminder:
      return index_of<SupplyReminder>();
    case EventType::terminated:
      return index_of<Terminated>();
    case EventType::verification_recorded:
      return index_of<VerificationRecorded>();
    case EventType::credit_flagged:
      return index_of<CreditFlagged>();
    case EventType::registered:
      return index_of<Registered>();
    case EventType::dispatched:
      return index_of<Dispatched>();
    case EventType::returned:
      return index_of<Returned>();
    case EventType::handling_started:
    case EventType::checked:
    case EventType::check_failed:
      return index_of<Noted>();
    case EventType::deputy_assigned:
      return index_of<DeputyAssigned>();
    case EventType::replied:
      return index_of<Replied>();
    case EventType::rated:
      return index_of<Rated>();
    case EventType::reopened:
      return index_of<Reopened>();
  }
  return std::variant_npos;  // not reached: every type is listed above
}

void throw_wrong_payload(EventType type) {
  throw Error(ErrorCode::internal,
              "the data of a '" + std::string(to_string(type)) + "' event has the shape of another type");
}

std::pair<std::string, std::string> warning_subject(const EventPayload& p) {
  if (const auto* a = std::get_if<DeadlineAlert>(&p)) return {a->clock.text(), a->due};
  if (const auto* s = std::get_if<SupplyReminder>(&p)) return {s->clock.text(), s->due.to_string()};
  if (const auto* o = std::get_if<SuspensionOverrun>(&p)) return {o->clock.text(), ""};
  if (const auto* v = std::get_if<Validity>(&p)) return {v->clock.text(), ""};
  return {"", ""};
}

void append_payload_text(std::string& out, EventType type, const EventPayload& p) {
  if (!payload_fits(type, p)) throw_wrong_payload(type);
  Writer w(out);
  w.begin_object();
  std::visit([&](const auto& shape) { write(w, shape); }, p);
  w.end_object();
}

std::string payload_text(EventType type, const EventPayload& p) {
  std::string out;
  append_payload_text(out, type, p);
  return out;
}

namespace {

template <std::size_t I>
EventPayload read_as(Reader& r, std::size_t index) {
  if constexpr (I < std::variant_size_v<EventPayload>) {
    if (index != I) return read_as<I + 1>(r, index);
    EventPayload p(std::in_place_index<I>);
    read(r, std::get<I>(p));
    return p;
  } else {
    r.fail("no shape");
  }
}

}  // namespace

EventPayload payload_from_text(EventType type, std::string_view text) {
  Reader r(text);
  try {
    EventPayload p = read_as<0>(r, payload_index(type));
    r.end();
    return p;
  } catch (const Unreadable& u) {
    throw Error(ErrorCode::internal, "the data of a '" + std::string(to_string(type)) +
                                         "' event cannot be read at " + r.where() + ": " + u.what);
  } catch (const std::exception& e) {
    throw Error(ErrorCode::internal, "the data of a '" + std::string(to_string(type)) +
                                         "' event cannot be read at " + r.where() + ": " + e.what());
  }
}

}  // namespace permitflow
