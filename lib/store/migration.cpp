#include "store/migration.hpp"

#include "permitflow/error.hpp"

namespace permitflow::store {

void check_busy_timeout(const StoreConfig& config) {
  if (config.busy_timeout_ms < 0) {
    throw Error(ErrorCode::invalid_argument, "busy_timeout_ms must not be negative.", "/busy_timeout_ms");
  }
}

void refuse_newer_schema(const std::string& database, int current, int latest) {
  if (current <= latest) return;
  throw Error(ErrorCode::storage, database + " has schema version " + std::to_string(current) +
                                      ", newer than this build of permitflow (" + std::to_string(latest) +
                                      ").");
}

}  // namespace permitflow::store
