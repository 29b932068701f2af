// Storage faults through the engine: a read-only file, a full disk, a corrupted or truncated file
// and a database of a newer schema each give `storage` with a message naming the database, and never a
// partial write. Faults that need another user or a resource limit run in a forked child.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>

#include "support/db_dump.hpp"
#include "support/engine_fixture.hpp"

namespace permitflow::testing {
namespace {

namespace fs = std::filesystem;

// Runs `body` in a forked child; returns what the child wrote to the pipe it is given. The child ends with
// _exit, so nothing of the parent's state (gtest, open engines) is torn down twice.
std::string in_child(const std::function<void(int fd)>& body) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    try {
      body(fds[1]);
    } catch (const std::exception& e) {
      const std::string m = std::string("child threw: ") + e.what() + "\n";
      (void)!write(fds[1], m.data(), m.size());
    }
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  return out;
}

void say(int fd, const std::string& line) {
  const std::string l = line + "\n";
  (void)!write(fd, l.data(), l.size());
}

// The outcome of a call, one line: "ok" or "<code>: <message>".
std::string outcome(const std::function<void()>& f) {
  try {
    f();
    return "ok";
  } catch (const Error& e) {
    return std::string(to_string(e.code())) + ": " + e.what();
  }
}

class StorageFault : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    first_ = accepted("construction_waste", "2026-06-01")["id"];
    close();  // checkpointed into the main file; the faults act on the file alone
  }
  std::string config() const { return json{{"database", database().string()}}.dump(); }
  std::string bytes() const {
    std::ifstream in(database(), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  std::string first_;
};

TEST_F(StorageFault, ReadOnlyDatabaseFile) {
  const std::string before = bytes();
  fs::permissions(database(), fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(database().parent_path(), fs::perms::owner_all | fs::perms::group_read |
                                                fs::perms::group_exec | fs::perms::others_read |
                                                fs::perms::others_exec);
  const std::string app = application("construction_waste", at("2026-06-02")).dump();
  const std::string cfg = config();
  const std::string out = in_child([&](int fd) {
    // root writes anyway, so the child becomes nobody for whom the file is read-only.
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
      say(fd, "cannot drop privileges");
      return;
    }
    try {
      Engine e(cfg);
      say(fd, "submit " + outcome([&] { e.submit(app); }));
    } catch (const Error& err) {
      say(fd, "open " + std::string(to_string(err.code())) + ": " + err.what());
    }
  });
  fs::permissions(database(), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_NE(out.find(" storage: "), std::string::npos) << out;
  EXPECT_NE(out.find(database().string()), std::string::npos) << "the message names the database: " << out;
  EXPECT_EQ(bytes(), before) << "the read-only file changed";
  open();
  EXPECT_TRUE(json::parse(engine().verify())["ok"].get<bool>());
}

TEST_F(StorageFault, FullDiskWritesNothingHalfway) {
  const std::string cfg = config();
  const std::string app = application("outdoor_advertising", at("2026-06-02")).dump();
  const std::string out = in_child([&](int fd) {
    std::signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead of killing us
    Engine e(cfg);
    e.submit(app);  // the WAL exists and has its first frames
    std::uintmax_t largest = 0;
    for (const auto& f : fs::directory_iterator(database().parent_path()))
      largest = std::max(largest, f.file_size());
    const rlimit lim{static_cast<rlim_t>(largest + 256 * 1024), static_cast<rlim_t>(largest + 256 * 1024)};
    setrlimit(RLIMIT_FSIZE, &lim);
    for (int i = 0; i < 5000; ++i) {
      try {
        say(fd, "acked " + json::parse(e.submit(app))["id"].get<std::string>());
      } catch (const Error& err) {
        say(fd, std::string("refused ") + std::string(to_string(err.code())) + ": " + err.what());
        // the engine keeps refusing, cleanly, while the disk is full
        say(fd, "again " + outcome([&] { e.submit(app); }));
        return;
      }
    }
    say(fd, "never full");
  });
  EXPECT_NE(out.find("refused storage: "), std::string::npos) << out;
  EXPECT_NE(out.find("again storage: "), std::string::npos) << out;
  std::set<std::string> acked;
  std::istringstream lines(out);
  for (std::string l; std::getline(lines, l);)
    if (l.rfind("acked ", 0) == 0) acked.insert(l.substr(6));
  EXPECT_GT(acked.size(), 0u) << out;
  open();  // with room again
  const json v = json::parse(engine().verify());
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump();
  for (const auto& id : acked) EXPECT_EQ(get(id)["id"], id);
  const json all = query({{"permit", "outdoor_advertising"}, {"limit", 1000}});
  EXPECT_EQ(all["cases"].size(), acked.size() + 1) << "a refused submission left a case behind";
  EXPECT_EQ(submit(application("outdoor_advertising", at("2026-06-03")))["state"], "submitted");
}

// The first outcome that is not ok among opening and reading everything, or "ok".
std::string first_failure(const std::string& cfg, const std::string& id) {
  try {
    Engine e(cfg);
    for (const auto& f : std::vector<std::function<void()>>{
             [&] { e.get_case(id); }, [&] { e.history(id); }, [&] { e.query(R"({"limit": 1000})"); },
             [&] {
               if (!json::parse(e.verify())["ok"].get<bool>())
                 throw Error(ErrorCode::internal, "verify found problems");
             },
             [&] { e.submit(application("construction_waste", at("2026-06-02")).dump()); }}) {
      const std::string o = outcome(f);
      if (o != "ok") return o;
    }
    return "ok";
  } catch (const Error& err) {
    return std::string(to_string(err.code())) + ": " + err.what();
  }
}

TEST_F(StorageFault, CorruptedHeader) {
  {
    std::fstream f(database(), std::ios::in | std::ios::out | std::ios::binary);
    f.write("this is no SQLite", 16);
  }
  const std::string before = bytes();
  const std::string o = first_failure(config(), first_);
  EXPECT_EQ(o.rfind("storage: ", 0), 0u) << o;
  EXPECT_NE(o.find(database().string()), std::string::npos) << o;
  EXPECT_EQ(bytes(), before);
}

TEST_F(StorageFault, CorruptedPages) {
  const auto size = fs::file_size(database());
  {
    std::fstream f(database(), std::ios::in | std::ios::out | std::ios::binary);
    const std::string junk(4096, '\xA5');
    for (std::uintmax_t off = 4096; off < size; off += 8192) {  // every other page after the first
      f.seekp(static_cast<std::streamoff>(off));
      f.write(junk.data(), static_cast<std::streamsize>(std::min<std::uintmax_t>(4096, size - off)));
    }
  }
  const std::string o = first_failure(config(), first_);
  EXPECT_EQ(o.rfind("storage: ", 0), 0u) << o;
}

TEST_F(StorageFault, TruncatedFile) {
  fs::resize_file(database(), fs::file_size(database()) / 2);
  const std::string o = first_failure(config(), first_);
  EXPECT_EQ(o.rfind("storage: ", 0), 0u) << o;
  EXPECT_NE(o.find(database().string()), std::string::npos) << o;
}

TEST_F(StorageFault, NewerSchemaVersion) {
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(database().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_version (version, description) VALUES (999, 'future')",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  const std::string before = dump_database(database().string());
  try {
    Engine e(config());
    FAIL() << "a database of a newer schema was opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::storage);
    EXPECT_NE(std::string(e.what()).find("schema version 999"), std::string::npos) << e.what();
  }
  EXPECT_EQ(dump_database(database().string()), before);
}

}  // namespace
}  // namespace permitflow::testing
