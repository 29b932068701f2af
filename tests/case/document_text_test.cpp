// The case document written as text (document_text) against the texts earlier versions wrote by building the
// document as a tree and dumping it. tests/case/golden/documents.jsonl holds cases of both kinds in every
// state the test suite reached (the engine's answers over the whole suite, one case of each document shape:
// the three permits and the complaint categories, notices, suspensions, extensions, tolerance and commitment,
// verification, escaped text), each as its snapshot and the text the tree rendering wrote for it. It is never
// regenerated from the text writer: a changed byte there is a changed stored document, which verify would
// report on every older database.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "case/case.hpp"
#include "case/snapshot.hpp"
#include "definition/definition.hpp"

namespace permitflow {
namespace {

using nlohmann::json;

TEST(DocumentText, IsByteForByteTheTextTheTreeRenderingWrote) {
  const DefinitionRegistry registry = DefinitionRegistry::builtin();
  const WorkingCalendar calendar = WorkingCalendar::official();
  std::ifstream in(std::string(PERMITFLOW_SOURCE_DIR) + "/tests/case/golden/documents.jsonl");
  ASSERT_TRUE(in) << "tests/case/golden/documents.jsonl is missing";
  std::string line;
  int n = 0;
  std::set<std::string> states;
  std::map<std::string, int> kinds;
  std::set<std::string> fields;
  while (std::getline(in, line)) {
    ++n;
    const json g = json::parse(line);
    const std::string subject = g.at("subject");
    const auto def = registry.find(subject, g.at("definition_version").get<int>());
    ASSERT_NE(def, nullptr) << "line " << n << ": " << subject;
    ASSERT_EQ(def->hash, g.at("definition_hash")) << "line " << n << ": the definition changed";
    ASSERT_EQ(calendar.version(), g.at("calendar")) << "line " << n;
    const auto c = load_snapshot(g.at("snapshot").get<std::string>());
    ASSERT_TRUE(c.has_value()) << "line " << n << ": the snapshot does not load";
    const CaseContext ctx{*def, calendar, g.at("offset").get<int>()};
    const std::string expected = g.at("document");
    ASSERT_EQ(document_text(*c, ctx), expected) << "line " << n << " (" << c->id << ")";
    // append_document writes the same after what the buffer already holds.
    std::string out = "[1,";
    append_document(out, *c, ctx);
    ASSERT_EQ(out, "[1," + expected) << "line " << n;
    EXPECT_EQ(to_json(*c, ctx), json::parse(expected)) << "line " << n;
    const json doc = json::parse(expected);
    states.insert(doc.at("state").get<std::string>());
    ++kinds[doc.at("kind").get<std::string>()];
    for (const auto& [k, v] : doc.items())
      if (!v.is_null() && !(v.is_array() && v.empty())) fields.insert(k);
  }
  // The corpus is what it claims: both kinds, most states, the optional parts present somewhere.
  EXPECT_GE(n, 300);
  EXPECT_GE(kinds["permit"], 100);
  EXPECT_GE(kinds["complaint"], 100);
  EXPECT_GE(states.size(), 20u);
  for (const char* f :
       {"tolerance", "commitment", "verification", "suspensions", "notices", "certificate", "decision",
        "renewal_of", "credit_flagged", "end_reason", "escalated_at", "rating", "returned_by"})
    EXPECT_TRUE(fields.count(f)) << f;
}

}  // namespace
}  // namespace permitflow
