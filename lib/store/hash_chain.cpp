#include "store/hash_chain.hpp"

#include "common/sha256.hpp"

namespace permitflow::store {
namespace {

// A netstring: unambiguous whatever bytes the field holds (commas, colons, NULs, any UTF-8).
void put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ',';
}

}  // namespace

std::string event_hash_input(std::string_view prev_hash, const EventRecord& event) {
  std::string out;
  out.reserve(64 + event.case_id.size() + event.type.size() + event.at.size() + event.actor.size() +
              event.data.size() + 64);
  put(out, prev_hash);
  put(out, event.case_id);
  put(out, std::to_string(event.seq));
  put(out, event.type);
  put(out, event.at);
  put(out, event.actor);
  put(out, event.data);
  return out;
}

std::string event_hash(std::string_view prev_hash, const EventRecord& event) {
  return sha256_hex(event_hash_input(prev_hash, event));
}

std::string ledger_hash_input(std::string_view prev_ledger_hash,
                              const std::vector<std::string>& event_hashes) {
  std::string out;
  out.reserve(70 * (event_hashes.size() + 1));
  put(out, prev_ledger_hash);
  for (const auto& h : event_hashes) put(out, h);
  return out;
}

std::string ledger_hash(std::string_view prev_ledger_hash, const std::vector<std::string>& event_hashes) {
  return sha256_hex(ledger_hash_input(prev_ledger_hash, event_hashes));
}

}  // namespace permitflow::store
