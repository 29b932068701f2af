// What differs between the kinds of case inside the case aggregate (docs/architecture.md, "Kinds as
// workflows"): how a kind's events change the case, its clocks and the one that runs, and its own keys of the
// case document. One CaseKind per Kind — the permit's in case.cpp, the complaint's in complaint.cpp — found
// by case_kind(); apply(), recompute_deadlines(), active_clock() and document_text() call through it and
// never test the kind. (The workflows of lib/lifecycle sit above the aggregate, so lib/case cannot ask them.)
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "case/case.hpp"
#include "common/json_text.hpp"

namespace permitflow {

/// A key of the case document that every kind writes, with the same value (CaseDocument writes them).
enum class SharedKey : std::uint8_t {
  subject,       // the permit type or the category: Case::subject
  subject_name,  // its definition's name
  owner,         // the applicant or the reporter: Case::applicant
  definition_version,
  ended_on,
  filed_at,
  flags,
  id,
  kind,
  last_event_at,
  state,
  version,
  warnings,
};

/// What a kind calls the shared fields that every kind has under its own name.
struct DocumentNames {
  std::string_view subject;       // "permit", "category"
  std::string_view subject_name;  // "permit_name", "category_name"
  std::string_view owner;         // "applicant", "reporter"
};

/// A kind's names and its shared keys in byte order (the order of the document's keys).
struct DocumentKeys {
  struct Entry {
    std::string_view name;
    SharedKey key;
  };
  DocumentNames names;
  std::array<Entry, 13> in_order;
};

constexpr DocumentKeys document_keys(DocumentNames names) {
  DocumentKeys k{names,
                 {{{names.subject, SharedKey::subject},
                   {names.subject_name, SharedKey::subject_name},
                   {names.owner, SharedKey::owner},
                   {"definition_version", SharedKey::definition_version},
                   {"ended_on", SharedKey::ended_on},
                   {"filed_at", SharedKey::filed_at},
                   {"flags", SharedKey::flags},
                   {"id", SharedKey::id},
                   {"kind", SharedKey::kind},
                   {"last_event_at", SharedKey::last_event_at},
                   {"state", SharedKey::state},
                   {"version", SharedKey::version},
                   {"warnings", SharedKey::warnings}}}};
  std::sort(k.in_order.begin(), k.in_order.end(),
            [](const DocumentKeys::Entry& a, const DocumentKeys::Entry& b) { return a.name < b.name; });
  return k;
}

class CaseDocument;

struct CaseKind {
  Kind kind;
  DocumentKeys document;
  /// Applies one event to a case of this kind. For `submitted`, apply() has set the fields every kind has.
  /// Throws Error(internal) on an event no case of the kind takes.
  void (*apply)(Case& c, const Event& e, const CaseContext& ctx);
  /// Recomputes the kind's clocks and lights as of `now`.
  void (*recompute_deadlines)(Case& c, const CaseContext& ctx, Instant now);
  /// The clock the case runs now, nullopt when none runs.
  std::optional<ClockName> (*active_clock)(const Case& c);
  /// Whether a case of the kind in state `s` can never change again by a command (is_terminal(s, kind)).
  bool (*is_terminal)(State s) noexcept;
  /// Writes the kind's own keys of the case document, in byte order, each through CaseDocument::key.
  void (*write_document)(CaseDocument& doc, const Case& c, const CaseContext& ctx);
};

/// Refuses an event that no case of c's kind takes (the log is corrupt): Error(internal) naming the event,
/// the kind and the case. Each kind's apply ends with it.
[[noreturn]] void refuse_foreign_event(const Case& c, const Event& e);

/// The entry of `kind`. Every Kind has one (tests/case/case_kind_test.cpp).
const CaseKind& case_kind(Kind kind);
/// Every entry, permit first.
std::span<const CaseKind* const> case_kinds() noexcept;

extern const CaseKind kPermitCase;     // case.cpp
extern const CaseKind kComplaintCase;  // complaint.cpp

/// One case document being written. The kind writes its own keys in byte order through key(); the keys
/// every kind shares are written between them where byte order puts them, so the shared keys have one writer
/// and the document stays what the dump of a tree with sorted keys gives.
class CaseDocument {
 public:
  /// Opens the document's object.
  CaseDocument(json_text::Writer& w, const Case& c, const CaseContext& ctx, const DocumentKeys& keys);
  CaseDocument(json_text::Writer&, const Case&, const CaseContext&, DocumentKeys&&) = delete;  // held
  /// Writes the shared keys that sort before `name`, then `name`; the caller writes its value to writer().
  void key(json_text::PlainKey name);
  json_text::Writer& writer() noexcept { return w_; }
  /// Writes the shared keys left and closes the document.
  void end();

 private:
  void write_shared(const DocumentKeys::Entry& entry);

  json_text::Writer& w_;
  const Case& c_;
  const CaseContext& ctx_;
  const DocumentKeys& keys_;
  std::size_t next_ = 0;  // the first shared key not yet written
};

/// Records a supervision event (deadline_warning, …) in Case::warnings, as every kind does.
void record_warning(Case& c, const Event& e);

}  // namespace permitflow
