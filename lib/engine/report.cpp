// The weekly supervision report (督查周报). Not built yet: see the durable-engine issue.
#include "engine/engine_impl.hpp"

namespace permitflow {

std::string Engine::report(std::string_view) const {
  throw Error(ErrorCode::internal, "the weekly report is not built yet");
}

}  // namespace permitflow
