// libFuzzer target: the C API (bindings/c/include/permitflow/permitflow.h) with fuzzed JSON, on one engine
// over a SQLite file in a fresh temporary folder that holds a few cases. The first byte picks the call, the
// second a case (or n for pf_add_working_days); the rest is the JSON or string argument. Checked on every
// call: no PF_INTERNAL (a bug by definition), a status from the contract, a failed call leaves its
// out-pointer NULL and says why in pf_last_error(), a successful one returns valid JSON.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "permitflow/permitflow.h"

namespace {

pf_engine* engine = nullptr;
std::vector<std::string> cases;
std::filesystem::path folder;
long calls = 0;

[[noreturn]] void bug(const char* what, pf_status s, const std::string& arg) {
  std::fprintf(stderr, "%s (status %d, last error '%s') on: %s\n", what, static_cast<int>(s), pf_last_error(),
               arg.c_str());
  std::abort();
}

void check(pf_status s, char* out, const std::string& arg) {
  ++calls;
  if (s < PF_OK || s > PF_STORAGE) bug("a status outside the contract or PF_INTERNAL", s, arg);
  if (s != PF_OK) {
    if (out != nullptr) bug("a failed call set its out-pointer", s, arg);
    if (pf_last_error() == nullptr || *pf_last_error() == '\0')
      bug("a failed call without a message", s, arg);
    return;
  }
  if (out == nullptr) bug("a successful call without a result", s, arg);
  if (!nlohmann::json::accept(out)) bug("a result that is not JSON", s, arg);
  pf_free(out);
}

void remove_folder() {
  pf_close(engine);
  std::error_code ec;
  std::filesystem::remove_all(folder, ec);
}

const char* const kApplications[] = {
    R"({"permit":"road_excavation","applicant":{"id":"91320922MA1CONF01X","name":"示例工程有限公司"},)"
    R"("actor":{"id":"91320922MA1CONF01X","role":"applicant"},"at":"2026-06-01T10:00:00+08:00",)"
    R"("facts":{"road_opened_on":"2012-05-01","road_overhauled_on":null,"planned_start":"2027-04-01",)"
    R"("planned_end":"2027-04-10","on_carriageway":true,"emergency":false,"protection_exception_approved":false},)"
    R"("materials":[]})",
    R"({"permit":"construction_waste","applicant":{"id":"91320922MA1CONF01X","name":"示例工程有限公司"},)"
    R"("actor":{"id":"clerk-1","role":"clerk"},"at":"2026-06-01T10:00:00+08:00",)"
    R"("facts":{"volume_m3":300,"route":"S226","disposal_site":"城东消纳场",)"
    R"("vehicles":[{"plate":"苏J67890","enclosed":true,"recorder":true}]},"materials":[]})",
    R"({"permit":"outdoor_advertising","applicant":{"id":"91320922MA1CONF02Y","name":"另一家公司"},)"
    R"("actor":{"id":"91320922MA1CONF02Y","role":"applicant"},"at":"2026-06-01T10:00:00+08:00",)"
    R"("facts":{"area_m2":4.0,"height_m":2.5,"on_roof":false,"building_storeys":5,"term_months":12,)"
    R"("electronic_screen":false},"materials":[]})",
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "permitflow_fuzz_XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  folder = tmpl;
  const std::string config =
      nlohmann::json{{"database", (folder / "fuzz.db").string()}, {"synchronous", "normal"}}.dump();
  if (pf_open(config.c_str(), &engine) != PF_OK) {
    std::fprintf(stderr, "pf_open: %s\n", pf_last_error());
    std::abort();
  }
  std::atexit(remove_folder);
  for (const char* app : kApplications) {
    char* out = nullptr;
    if (pf_submit(engine, app, &out) != PF_OK) {
      std::fprintf(stderr, "pf_submit: %s\n", pf_last_error());
      std::abort();
    }
    cases.push_back(nlohmann::json::parse(out)["id"].get<std::string>());
    pf_free(out);
  }
  cases.push_back("no-such-case");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const int op = data[0] % 11;
  const std::string& id = cases[data[1] % cases.size()];
  const std::string arg(reinterpret_cast<const char*>(data + 2), size - 2);  // pf_* read up to the first NUL
  char* out = nullptr;
  pf_status s = PF_OK;
  switch (op) {
    case 0:
      s = pf_precheck(engine, arg.c_str(), &out);
      break;
    case 1:
      s = pf_submit(engine, arg.c_str(), &out);
      break;
    case 2:
      s = pf_execute(engine, id.c_str(), arg.c_str(), &out);
      break;
    case 3:
      s = pf_get_case(engine, arg.c_str(), &out);
      break;
    case 4:
      s = pf_history(engine, arg.c_str(), &out);
      break;
    case 5:
      s = pf_query(engine, arg.c_str(), &out);
      break;
    case 6:
      s = pf_run_due(engine, arg.c_str(), &out);
      break;
    case 7:
      s = pf_report(engine, arg.c_str(), &out);
      break;
    case 8:
      s = pf_add_working_days(engine, arg.c_str(), static_cast<int>(data[1]) - 16, &out);
      break;
    case 9:
      s = pf_execute(engine, arg.c_str(),
                     R"({"type":"accept","actor":{"id":"c","role":"clerk"},)"
                     R"("at":"2026-06-02T10:00:00+08:00"})",
                     &out);
      break;
    default:
      s = pf_last_error_json(&out);
      break;
  }
  check(s, out, arg);
  // Every few thousand calls, the database must still verify: no call may have half-written anything.
  if (calls % 4096 == 0) {
    char* v = nullptr;
    if (pf_verify(engine, &v) != PF_OK || !nlohmann::json::parse(v)["ok"].get<bool>()) {
      std::fprintf(stderr, "verify failed: %s\n", v ? v : pf_last_error());
      std::abort();
    }
    pf_free(v);
  }
  return 0;
}
