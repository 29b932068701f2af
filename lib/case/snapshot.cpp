// Boost.Serialization of the case aggregate. Every class carries a version (BOOST_CLASS_VERSION); a field
// added later is read only when the archive's version has it, so older snapshots keep loading. Dates are
// stored as day counts, instants as epoch seconds, optionals as a flag plus the value, JSON as text.
#include <algorithm>
#include <optional>
#include <tuple>
#include <type_traits>

#include "case/snapshot.hpp"

#include <boost/archive/text_iarchive.hpp>
#include <boost/archive/text_oarchive.hpp>
#include <boost/serialization/map.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/tracking.hpp>
#include <boost/serialization/vector.hpp>
#include <boost/serialization/version.hpp>
#include <sstream>

namespace permitflow {
namespace {

// Snapshot format tag: changes only if the archive layout changes in a way class versions cannot express.
constexpr const char* kSnapshotFormat = "permitflow-case-snapshot-1";

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
// A Text is written as the std::string it replaced (no class header: see BOOST_CLASS_IMPLEMENTATION below),
// so the archive's bytes are the same whichever a member holds.
template <class Ar>
void serialize(Ar& ar, Text& t, unsigned) {
  std::string s;
  if constexpr (Ar::is_saving::value) s = t.str();
  ar& s;
  if constexpr (Ar::is_loading::value) t = Text(s);
}
template <class Ar>
void serialize(Ar& ar, Instant& t, unsigned) {
  integer_field<std::int64_t>(
      ar, t, [](const Instant& x) { return x.epoch_seconds(); }, &Instant::from_epoch_seconds);
}

// `O` is std::optional<T> or HeapOptional<T> (the same archive for both: a case's rare parts moved out of
// line without changing the format): a flag, then the value when there is one.
template <class Ar, class O>
void optional_field(Ar& ar, O& o) {
  bool has = o.has_value();
  ar& has;
  if constexpr (Ar::is_saving::value) {
    if (has) ar&* o;
  } else if (has) {
    typename O::value_type value{};
    ar& value;
    o = std::move(value);
  } else {
    o.reset();
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

// A list of Texts is written as the std::vector<std::string> it replaced: a new container type would add its
// own class header to the archive.
template <class Ar>
void text_list_field(Ar& ar, std::vector<Text>& list) {
  std::vector<std::string> strings;
  if constexpr (Ar::is_saving::value) strings.assign(list.begin(), list.end());
  ar& strings;
  if constexpr (Ar::is_loading::value) list.assign(strings.begin(), strings.end());
}

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_optional<HeapOptional<T>> : std::true_type {};

// Members in order, each encoded by its type: an enum as its ordinal, an optional as a flag and the value,
// anything else as Boost writes it.
template <class Ar, class... T>
void fields(Ar& ar, T&... members) {
  const auto one = [&ar](auto& m) {
    using M = std::remove_cvref_t<decltype(m)>;
    if constexpr (std::is_enum_v<M>) {
      enum_field(ar, m);
    } else if constexpr (is_optional<M>::value) {
      optional_field(ar, m);
    } else if constexpr (std::is_same_v<M, std::vector<Text>>) {
      text_list_field(ar, m);
    } else {
      ar& m;
    }
  };
  (one(members), ...);
}

// The members of each unversioned class, in archive order: one serialize below writes them all.
template <class T>
inline constexpr std::tuple<> kMembers{};
template <>
inline constexpr auto kMembers<Actor> = std::tuple{&Actor::id, &Actor::role, &Actor::department};
template <>
inline constexpr auto kMembers<Applicant> = std::tuple{&Applicant::id, &Applicant::name};
template <>
inline constexpr auto kMembers<SubmittedMaterial> =
    std::tuple{&SubmittedMaterial::id, &SubmittedMaterial::format, &SubmittedMaterial::expires_on,
               &SubmittedMaterial::sha256, &SubmittedMaterial::received_on};
template <>
inline constexpr auto kMembers<Deficiency> =
    std::tuple{&Deficiency::material, &Deficiency::problem, &Deficiency::note};
template <>
inline constexpr auto kMembers<NoticeRecord> = std::tuple{&NoticeRecord::issued_on, &NoticeRecord::items};
template <>
inline constexpr auto kMembers<Opinion> =
    std::tuple{&Opinion::approve, &Opinion::comment, &Opinion::actor, &Opinion::on};
template <>
inline constexpr auto kMembers<Inspection> =
    std::tuple{&Inspection::inspectors, &Inspection::findings, &Inspection::actor, &Inspection::on};
template <>
inline constexpr auto kMembers<Decision> =
    std::tuple{&Decision::approved, &Decision::reasons, &Decision::actor, &Decision::on};
template <>
inline constexpr auto kMembers<Certificate> = std::tuple{&Certificate::number, &Certificate::valid_from,
                                                         &Certificate::valid_until, &Certificate::issued_on};
template <>
inline constexpr auto kMembers<SignedCommitment> =
    std::tuple{&SignedCommitment::signed_by, &SignedCommitment::signed_at, &SignedCommitment::text_sha256};
template <>
inline constexpr auto kMembers<Tolerance> =
    std::tuple{&Tolerance::items,       &Tolerance::supply_by,  &Tolerance::pending,
               &Tolerance::outstanding, &Tolerance::commitment, &Tolerance::supplied_on};
template <>
inline constexpr auto kMembers<Commitment> = std::tuple{&Commitment::items, &Commitment::signature};
template <>
inline constexpr auto kMembers<Verification> =
    std::tuple{&Verification::result, &Verification::method, &Verification::note, &Verification::actor,
               &Verification::on};
template <>
inline constexpr auto kMembers<ClockView> =
    std::tuple{&ClockView::present,     &ClockView::due,           &ClockView::light,
               &ClockView::provisional, &ClockView::statutory_due, &ClockView::statutory_light};
template <>
inline constexpr auto kMembers<Deadlines> = std::tuple{&Deadlines::acceptance_notice, &Deadlines::correction,
                                                       &Deadlines::decision, &Deadlines::issuance};

template <class Ar, class T>
requires(std::tuple_size_v<std::remove_cvref_t<decltype(kMembers<T>)>> > 0) void serialize(Ar& ar, T& value,
                                                                                           unsigned) {
  std::apply([&](auto... member) { fields(ar, (value.*member)...); }, kMembers<T>);
}

template <class Ar>
void serialize(Ar& ar, Suspension& s, unsigned version) {
  fields(ar, s.reason, s.from, s.to, s.expected_working_days, s.notice);
  if (version >= 1) ar& s.closed_by_end;
}

template <class Ar>
void serialize(Ar& ar, ComplaintFile& f, unsigned version) {
  fields(ar, f.source, f.description, f.location, f.unit, f.returned_by);
  if (version >= 2) {
    ar& f.units_held;
  } else if constexpr (Ar::is_loading::value) {
    // Older snapshots did not keep it: every unit it was dispatched to either returned it or holds it (a
    // unit replaced after a reopening is missed until the snapshot is taken again).
    f.units_held = f.returned_by;
    if (!f.unit.empty() && std::find(f.units_held.begin(), f.units_held.end(), f.unit) == f.units_held.end())
      f.units_held.push_back(f.unit);
  }
  fields(ar, f.registered_at, f.dispatched_at, f.clock_start, f.due, f.limit_working_days,
         f.limit_working_hours, f.extended_working_days, f.replied_at, f.reply, f.failed_checks,
         f.escalated_at, f.escalation_reason, f.deputy, f.closed_at, f.ratings, f.rating_comment, f.reopened,
         f.light, f.review_due, f.review_light);
}

template <class Ar>
void serialize(Ar& ar, Case& c, unsigned version) {
  fields(ar, c.id, c.subject, c.definition_version, c.calendar_version, c.state, c.version, c.last_event_at,
         c.applicant);
  std::string facts;  // the text Case::facts holds (the dump of the tree older versions held)
  if constexpr (Ar::is_saving::value) facts = c.facts.text();
  ar& facts;
  if constexpr (!Ar::is_saving::value) c.facts = Facts::parse(facts);  // its form checked
  fields(ar, c.materials, c.renewal_of, c.renewal_expiry, c.filed_at, c.received_on, c.last_submission_on,
         c.accepted_on, c.deemed_accepted, c.notices, c.resubmitted_since_notice);
  // Opinions: stored as two parallel lists.
  std::vector<std::string> depts;
  std::vector<std::uint8_t> has;
  std::vector<Opinion> opinions;
  if constexpr (Ar::is_saving::value) {
    for (const auto& [k, o] : c.opinions) {
      depts.push_back(k.str());
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
  fields(ar, c.inspections, c.suspensions, c.extended_working_days, c.decision, c.certificate,
         c.completion_reported_on, c.ended_on, c.end_reason, c.flags, c.warnings, c.deadlines);
  if (version >=
      2) {  // the kind, as its ordinal: the same text as the flag "a complaint" format 2 began with
    fields(ar, c.kind);
    out_of_line_field(ar, c.complaint);  // a permit case's is the empty file
  }
  if (version >= 3) {  // tolerant acceptance and acceptance on commitment (docs/contract.md §17)
    fields(ar, c.tolerance, c.commitment, c.verification, c.credit_flagged, c.deadlines.verification);
  }
}

}  // namespace boost::serialization

BOOST_CLASS_IMPLEMENTATION(permitflow::Text, boost::serialization::object_serializable)
BOOST_CLASS_TRACKING(permitflow::Text, boost::serialization::track_never)
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
    const std::string format = kSnapshotFormat;
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
    if (format != kSnapshotFormat) return std::nullopt;
    Case c;
    ar >> c;
    return c;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace permitflow
