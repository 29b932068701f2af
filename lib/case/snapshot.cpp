// Boost.Serialization of the case aggregate. Every class carries a version (BOOST_CLASS_VERSION); a field
// added later is read only when the archive's version has it, so older snapshots keep loading. Dates are
// stored as day counts, instants as epoch seconds, optionals as a flag plus the value, JSON as text.
#include <algorithm>

#include "case/snapshot.hpp"

#include <boost/archive/text_iarchive.hpp>
#include <boost/archive/text_oarchive.hpp>
#include <boost/serialization/map.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <boost/serialization/version.hpp>
#include <sstream>

namespace permitflow {
namespace {

// Snapshot format tag: changes only if the archive layout changes in a way class versions cannot express.
constexpr const char* kFormat = "permitflow-case-snapshot-1";

}  // namespace
}  // namespace permitflow

namespace boost::serialization {

using namespace permitflow;

// A value stored as one integer `Int`: `to` gives it, `from` makes the value again. Saving reads only (see
// enum_field).
template <class Int, class Ar, class T, class To, class From>
void integer_field(Ar& ar, T& value, To to, From from) {
  Int n = 0;
  if constexpr (Ar::is_saving::value) n = to(value);
  ar& n;
  if constexpr (Ar::is_loading::value) value = from(n);
}

template <class Ar>
void serialize(Ar& ar, Date& d, unsigned) {
  integer_field<std::int32_t>(
      ar, d, [](const Date& x) { return x.days(); }, &Date::from_days);
}
template <class Ar>
void serialize(Ar& ar, Instant& t, unsigned) {
  integer_field<std::int64_t>(
      ar, t, [](const Instant& x) { return x.epoch_seconds(); }, &Instant::from_epoch_seconds);
}

// `O` is std::optional<T> or HeapOptional<T> (the same archive for both: a case's rare parts moved out of
// line without changing the format).
template <class Ar, class O>
void save_optional(Ar& ar, const O& o) {
  const bool has = o.has_value();
  ar& has;
  if (has) ar&* o;
}
template <class Ar, class O>
void load_optional(Ar& ar, O& o) {
  bool has = false;
  ar& has;
  if (has) {
    typename O::value_type value{};
    ar& value;
    o = std::move(value);
  } else {
    o.reset();
  }
}
template <class Ar, class O>
void optional_field(Ar& ar, O& o) {
  if constexpr (Ar::is_saving::value) {
    save_optional(ar, o);
  } else {
    load_optional(ar, o);
  }
}

// Saving must not write: Boost hands the saved object in by a non-const reference, and a permit case saves
// the one shared empty complaint file (OutOfLine::empty()), which snapshot threads would otherwise all write
// to.
template <class Ar, class E>
void enum_field(Ar& ar, E& e) {
  integer_field<int>(
      ar, e, [](E x) { return static_cast<int>(x); }, [](int v) { return static_cast<E>(v); });
}

// An OutOfLine part is always written (a default T where none is held, as when it was held inline); one that
// loads as the default T is held as none, which it equals.
template <class Ar, class T>
void out_of_line_field(Ar& ar, OutOfLine<T>& o) {
  if constexpr (Ar::is_saving::value) {
    ar&* o;
  } else {
    T value;
    ar& value;
    if (value == T{}) {
      o.reset();
    } else {
      o = std::move(value);
    }
  }
}

template <class Ar>
void serialize(Ar& ar, Actor& a, unsigned) {
  ar& a.id;
  enum_field(ar, a.role);
  ar& a.department;
}
template <class Ar>
void serialize(Ar& ar, Applicant& a, unsigned) {
  ar& a.id& a.name;
}
template <class Ar>
void serialize(Ar& ar, SubmittedMaterial& m, unsigned) {
  ar& m.id& m.format;
  optional_field(ar, m.expires_on);
  ar& m.sha256& m.received_on;
}
template <class Ar>
void serialize(Ar& ar, Deficiency& d, unsigned) {
  ar& d.material;
  enum_field(ar, d.problem);
  ar& d.note;
}
template <class Ar>
void serialize(Ar& ar, NoticeRecord& n, unsigned) {
  ar& n.issued_on& n.items;
}
template <class Ar>
void serialize(Ar& ar, Opinion& o, unsigned) {
  ar& o.approve& o.comment& o.actor& o.on;
}
template <class Ar>
void serialize(Ar& ar, Inspection& i, unsigned) {
  ar& i.inspectors& i.findings& i.actor& i.on;
}
template <class Ar>
void serialize(Ar& ar, Suspension& s, unsigned version) {
  ar& s.reason& s.from;
  optional_field(ar, s.to);
  ar& s.expected_working_days& s.notice;
  if (version >= 1) ar& s.closed_by_end;
}
template <class Ar>
void serialize(Ar& ar, Decision& d, unsigned) {
  ar& d.approved& d.reasons& d.actor& d.on;
}
template <class Ar>
void serialize(Ar& ar, Certificate& c, unsigned) {
  ar& c.number& c.valid_from;
  optional_field(ar, c.valid_until);
  ar& c.issued_on;
}
template <class Ar>
void serialize(Ar& ar, SignedCommitment& s, unsigned) {
  ar& s.signed_by& s.signed_at& s.text_sha256;
}
template <class Ar>
void serialize(Ar& ar, Tolerance& t, unsigned) {
  ar& t.items& t.supply_by& t.pending& t.outstanding& t.commitment;
  optional_field(ar, t.supplied_on);
}
template <class Ar>
void serialize(Ar& ar, Commitment& c, unsigned) {
  ar& c.items& c.signature;
}
template <class Ar>
void serialize(Ar& ar, Verification& v, unsigned) {
  ar& v.result& v.method& v.note& v.actor& v.on;
}
template <class Ar>
void serialize(Ar& ar, ClockView& v, unsigned) {
  ar& v.present& v.due;
  enum_field(ar, v.light);
  ar& v.provisional& v.statutory_due;
  enum_field(ar, v.statutory_light);
}
template <class Ar>
void serialize(Ar& ar, Deadlines& d, unsigned) {
  ar& d.acceptance_notice& d.correction& d.decision& d.issuance;
}

template <class Ar>
void serialize(Ar& ar, ComplaintFile& f, unsigned version) {
  ar& f.source& f.description& f.location& f.unit& f.returned_by;
  if (version >= 2) {
    ar& f.units_held;
  } else if constexpr (Ar::is_loading::value) {
    // Older snapshots did not keep it: every unit it was dispatched to either returned it or holds it (a
    // unit replaced after a reopening is missed until the snapshot is taken again).
    f.units_held = f.returned_by;
    if (!f.unit.empty() && std::find(f.units_held.begin(), f.units_held.end(), f.unit) == f.units_held.end())
      f.units_held.push_back(f.unit);
  }
  optional_field(ar, f.registered_at);
  optional_field(ar, f.dispatched_at);
  ar& f.clock_start;
  optional_field(ar, f.due);
  ar& f.limit_working_days& f.limit_working_hours& f.extended_working_days;
  optional_field(ar, f.replied_at);
  ar& f.reply& f.failed_checks;
  optional_field(ar, f.escalated_at);
  ar& f.escalation_reason& f.deputy;
  optional_field(ar, f.closed_at);
  ar& f.ratings& f.rating_comment& f.reopened;
  enum_field(ar, f.light);
  optional_field(ar, f.review_due);
  enum_field(ar, f.review_light);
}

template <class Ar>
void serialize(Ar& ar, Case& c, unsigned version) {
  ar& c.id& c.subject& c.definition_version& c.calendar_version;
  enum_field(ar, c.state);
  ar& c.version& c.last_event_at& c.applicant;
  std::string facts;  // the text Case::facts holds (the dump of the tree older versions held)
  if constexpr (Ar::is_saving::value) facts = c.facts.text();
  ar& facts;
  if constexpr (!Ar::is_saving::value) c.facts = nlohmann::json::parse(facts);  // its form checked
  ar& c.materials;
  optional_field(ar, c.renewal_of);
  optional_field(ar, c.renewal_expiry);
  ar& c.filed_at& c.received_on& c.last_submission_on;
  optional_field(ar, c.accepted_on);
  ar& c.deemed_accepted& c.notices& c.resubmitted_since_notice;
  // std::map<std::string, std::optional<Opinion>>: stored as two parallel lists.
  std::vector<std::string> depts;
  std::vector<std::uint8_t> has;
  std::vector<Opinion> opinions;
  if constexpr (Ar::is_saving::value) {
    for (const auto& [k, o] : c.opinions) {
      depts.push_back(k);
      has.push_back(o ? 1 : 0);
      opinions.push_back(o.value_or(Opinion{}));
    }
  }
  ar& depts& has& opinions;
  if constexpr (!Ar::is_saving::value) {
    c.opinions.clear();
    for (std::size_t i = 0; i < depts.size() && i < has.size() && i < opinions.size(); ++i) {
      c.opinions[depts[i]] = has[i] ? std::optional<Opinion>(opinions[i]) : std::nullopt;
    }
  }
  ar& c.inspections& c.suspensions& c.extended_working_days;
  optional_field(ar, c.decision);
  optional_field(ar, c.certificate);
  optional_field(ar, c.completion_reported_on);
  optional_field(ar, c.ended_on);
  ar& c.end_reason& c.flags& c.warnings& c.deadlines;
  if (version >=
      2) {  // the kind, as its ordinal: the same text as the flag "a complaint" format 2 began with
    enum_field(ar, c.kind);
    out_of_line_field(ar, c.complaint);  // a permit case's is the empty file
  }
  if (version >= 3) {  // tolerant acceptance and acceptance on commitment (docs/contract.md §17)
    optional_field(ar, c.tolerance);
    optional_field(ar, c.commitment);
    optional_field(ar, c.verification);
    ar& c.credit_flagged& c.deadlines.verification;
  }
}

}  // namespace boost::serialization

BOOST_CLASS_VERSION(permitflow::Case, 3)
BOOST_CLASS_VERSION(permitflow::Suspension, 1)
BOOST_CLASS_VERSION(permitflow::Tolerance, 1)
BOOST_CLASS_VERSION(permitflow::Commitment, 1)
BOOST_CLASS_VERSION(permitflow::Verification, 1)
BOOST_CLASS_VERSION(permitflow::ComplaintFile, 2)

namespace permitflow {

std::string save_snapshot(const Case& c) {
  std::ostringstream out;
  {
    boost::archive::text_oarchive ar(out);
    const std::string format = kFormat;
    ar << format << c;
  }
  return out.str();
}

std::optional<Case> load_snapshot(std::string_view archive) {
  try {
    std::istringstream in{std::string(archive)};
    boost::archive::text_iarchive ar(in);
    std::string format;
    ar >> format;
    if (format != kFormat) return std::nullopt;
    Case c;
    ar >> c;
    return c;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace permitflow
