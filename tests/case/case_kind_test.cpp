// The table of case kinds (lib/case/case_kind.hpp): every Kind has its entry and the lookup gives it, each
// kind names its shared document keys as the contract does and lists them in byte order, and CaseDocument
// places the shared keys between a kind's own keys in byte order.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "case/case_kind.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

// Every Kind the vocabulary knows: its enumerators run from 0 until to_string knows no more.
std::vector<Kind> every_kind() {
  std::vector<Kind> out;
  for (int i = 0; to_string(static_cast<Kind>(i)) != "unknown"; ++i) out.push_back(static_cast<Kind>(i));
  return out;
}

TEST(CaseKindTable, EveryKindHasItsOwnEntry) {
  const std::vector<Kind> kinds = every_kind();
  ASSERT_EQ(kinds.size(), 2u);
  std::set<const CaseKind*> entries;
  for (const Kind k : kinds) {
    const CaseKind& entry = case_kind(k);
    EXPECT_EQ(entry.kind, k) << to_string(k);
    EXPECT_NE(entry.apply, nullptr) << to_string(k);
    EXPECT_NE(entry.recompute_deadlines, nullptr) << to_string(k);
    EXPECT_NE(entry.active_clock, nullptr) << to_string(k);
    EXPECT_NE(entry.write_document, nullptr) << to_string(k);
    entries.insert(&entry);
  }
  EXPECT_EQ(entries.size(), kinds.size());
  ASSERT_EQ(case_kinds().size(), kinds.size());
  EXPECT_EQ(case_kinds()[0], &case_kind(Kind::permit));
  EXPECT_EQ(case_kinds()[1], &case_kind(Kind::complaint));
}

TEST(CaseKindTable, TheLookupGivesThePermitsAndTheComplaintsEntry) {
  EXPECT_EQ(&case_kind(Kind::permit), &kPermitCase);
  EXPECT_EQ(&case_kind(Kind::complaint), &kComplaintCase);
}

TEST(CaseKindTable, AKindWithoutAnEntryIsAnInternalError) {
  try {
    case_kind(static_cast<Kind>(every_kind().size()));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::internal);
  }
}

TEST(CaseKindTable, EachKindNamesItsSubjectAndOwnerAsTheContractDoes) {
  EXPECT_EQ(kPermitCase.document.names.subject, "permit");
  EXPECT_EQ(kPermitCase.document.names.subject_name, "permit_name");
  EXPECT_EQ(kPermitCase.document.names.owner, "applicant");
  EXPECT_EQ(kComplaintCase.document.names.subject, "category");
  EXPECT_EQ(kComplaintCase.document.names.subject_name, "category_name");
  EXPECT_EQ(kComplaintCase.document.names.owner, "reporter");
}

TEST(CaseKindTable, SharedKeysAreInByteOrderEachOnce) {
  for (const CaseKind* k : case_kinds()) {
    std::vector<std::string> names;
    std::set<SharedKey> keys;
    for (const auto& e : k->document.in_order) {
      names.emplace_back(e.name);
      keys.insert(e.key);
    }
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end())) << to_string(k->kind);
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size()) << to_string(k->kind);
    EXPECT_EQ(keys.size(), k->document.in_order.size()) << to_string(k->kind);
  }
  // Where the renamed keys fall differs: the applicant sorts first, the reporter after last_event_at.
  EXPECT_EQ(kPermitCase.document.in_order.front().name, "applicant");
  EXPECT_EQ(kComplaintCase.document.in_order.front().name, "category");
  EXPECT_EQ(kComplaintCase.document.in_order[9].name, "reporter");
}

TEST(CaseDocument, PlacesTheSharedKeysBetweenTheKindsOwnInByteOrder) {
  const DefinitionRegistry registry = DefinitionRegistry::builtin();
  const auto def = registry.current("outdoor_advertising");
  ASSERT_NE(def, nullptr);
  const WorkingCalendar calendar = WorkingCalendar::official();
  const CaseContext ctx{*def, calendar, 480};
  Case c;
  c.id = "C-1";
  c.subject = "outdoor_advertising";
  c.definition_version = def->version;
  c.applicant = {"ent-1", "Acme"};
  c.flags = {"f"};
  c.version = 3;
  c.filed_at = c.last_event_at = Instant::from_epoch_seconds(0);
  std::string out;
  json_text::Writer w(out);
  const DocumentKeys keys = document_keys({"subject", "subject_name", "owner"});
  CaseDocument doc(w, c, ctx, keys);
  doc.key("a");
  w.number(1);
  doc.key("idle");  // after "id", before "kind"
  w.number(2);
  doc.key("zz");
  w.number(3);
  doc.end();
  EXPECT_EQ(
      out,
      R"({"a":1,"definition_version":)" + std::to_string(def->version) +
          R"(,"ended_on":null,"filed_at":"1970-01-01T08:00:00+08:00","flags":["f"],"id":"C-1","idle":2,)"
          R"("kind":"permit","last_event_at":"1970-01-01T08:00:00+08:00","owner":{"id":"ent-1","name":"Acme"},)"
          R"("state":"submitted","subject":"outdoor_advertising","subject_name":{"en":")" +
          def->name.en + R"(","zh":")" + def->name.zh + R"("},"version":3,"warnings":[],"zz":3})");
}

}  // namespace
}  // namespace permitflow
