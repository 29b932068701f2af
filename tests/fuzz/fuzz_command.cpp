// libFuzzer target: the command parser (lib/lifecycle/command.cpp), what pf_execute reads.
#include "fuzz/common_form_check.hpp"
#include "fuzz/fuzz_support.hpp"
#include "lifecycle/command.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  permitflow::fuzz::common_form_agrees(permitflow::fuzz::text(data, size));
  permitflow::fuzz::refused_or_ok(
      [&] { (void)permitflow::parse_command(permitflow::fuzz::text(data, size)); });
  return 0;
}
