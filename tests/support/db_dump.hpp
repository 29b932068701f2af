// Test support: the whole content of a SQLite database as one string, to prove that a refused call changed
// nothing. It reads through its own read-only connection (WAL included), so the engine may stay open.
#pragma once

#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace permitflow::testing {

/// Every row of every table (tables by name, rows sorted), each value tagged with its SQLite type.
inline std::string dump_database(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 10000);
  auto rows_of = [&](const std::string& sql) {
    std::vector<std::string> rows;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      const std::string msg = sqlite3_errmsg(db);
      sqlite3_close(db);
      throw std::runtime_error("cannot dump: " + msg);
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const int type = sqlite3_column_type(st, i);
        row += std::to_string(type) + ":";
        if (type != SQLITE_NULL) {
          const auto* p = static_cast<const char*>(sqlite3_column_blob(st, i));
          row.append(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
        }
        row += '\x1f';
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return rows;
  };
  std::string out;
  for (const std::string& table : rows_of("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                                          "LIKE 'sqlite_%' ORDER BY name")) {
    const std::string name = table.substr(table.find(':') + 1, table.size() - table.find(':') - 2);
    auto rows = rows_of("SELECT * FROM \"" + name + "\"");
    std::sort(rows.begin(), rows.end());
    out += "== " + name + " (" + std::to_string(rows.size()) + " rows)\n";
    for (const auto& r : rows) out += r + "\n";
  }
  sqlite3_close(db);
  return out;
}

/// A short account of how two dumps differ (row counts per table), for a failure message.
inline std::string dump_difference(const std::string& before, const std::string& after) {
  auto headers = [](const std::string& d) {
    std::string out;
    for (std::size_t p = d.find("== "); p != std::string::npos; p = d.find("\n== ", p + 1)) {
      const std::size_t s = d[p] == '\n' ? p + 1 : p;
      out += d.substr(s, d.find('\n', s) - s) + "; ";
    }
    return out;
  };
  if (before == after) return "identical";
  return "before: " + headers(before) + "\nafter:  " + headers(after);
}

}  // namespace permitflow::testing
