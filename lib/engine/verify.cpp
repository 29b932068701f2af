// Verification of the hash chains and projections. Not built yet: see the durable-engine issue.
#include "engine/engine_impl.hpp"

namespace permitflow {

std::string Engine::verify() const { throw Error(ErrorCode::internal, "verify is not built yet"); }

}  // namespace permitflow
