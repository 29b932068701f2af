// The two hash chains of the log (docs/log_format.md §3): each case's event chain and the ledger-wide chain
// of committed transactions. Pure functions over stored bytes, used when appending and when verifying.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace permitflow::store {

/// The exact bytes hashed for an event: netstrings ("<decimal byte length>:<bytes>,") of prev_hash, case_id,
/// seq (decimal, no sign or leading zeros), type, at, actor and data, concatenated in that order.
/// `event.prev_hash` and `event.hash` are ignored; `prev_hash` is passed explicitly ("" for seq 1).
std::string event_hash_input(std::string_view prev_hash, const EventRecord& event);

/// Lower-case hex SHA-256 of event_hash_input().
std::string event_hash(std::string_view prev_hash, const EventRecord& event);

/// The exact bytes hashed for a ledger entry: the netstring of the previous ledger hash ("" for the first
/// entry), then the netstring of each event hash of the transaction, in append order.
std::string ledger_hash_input(std::string_view prev_ledger_hash,
                              const std::vector<std::string>& event_hashes);

/// Lower-case hex SHA-256 of ledger_hash_input().
std::string ledger_hash(std::string_view prev_ledger_hash, const std::vector<std::string>& event_hashes);

}  // namespace permitflow::store
