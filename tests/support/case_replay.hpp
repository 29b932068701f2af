// Test support for lib/case: the events of a case as the engine logged them (read back through history),
// and the context apply() needs, so the aggregate can be driven event by event without the engine.
#pragma once

#include <string>
#include <vector>

#include "case/case.hpp"
#include "definition/definition.hpp"
#include "support/engine_fixture.hpp"

namespace permitflow::testing {

class CaseReplay : public EngineTest {
 protected:
  /// The case's events, from its history.
  std::vector<Event> events_of(const std::string& id) {
    std::vector<Event> out;
    for (const auto& h : history(id)) {
      Event e;
      e.seq = h["seq"].get<std::int64_t>();
      e.type = logged_event_type(h["type"].get<std::string>());
      e.at = Instant::parse_rfc3339(h["at"].get<std::string>());
      e.actor = actor_from_json(h["actor"]);
      e.payload = payload_from_text(e.type, h["data"].dump());
      out.push_back(std::move(e));
    }
    return out;
  }
  /// The context of the case's own definition version on the official calendar, Beijing time.
  CaseContext context_of(const std::string& id) {
    const json c = get(id);
    const std::string subject =
        c.contains("category") ? c["category"].get<std::string>() : c["permit"].get<std::string>();
    definition_ = registry_.find(subject, c.value("definition_version", 1));
    EXPECT_NE(definition_, nullptr) << subject;
    return CaseContext{*definition_, calendar_, 480};
  }
  Case replay(const std::vector<Event>& events, const CaseContext& ctx, std::size_t count = SIZE_MAX) {
    Case c;
    for (std::size_t i = 0; i < events.size() && i < count; ++i) apply(c, events[i], ctx);
    return c;
  }

 private:
  DefinitionRegistry registry_ = DefinitionRegistry::builtin();
  WorkingCalendar calendar_ = WorkingCalendar::official();
  std::shared_ptr<const Definition> definition_;
};

}  // namespace permitflow::testing
