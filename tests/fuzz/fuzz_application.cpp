// libFuzzer target: the application parser (lib/case/application.cpp), what pf_submit and pf_precheck read.
#include "case/application.hpp"
#include "fuzz/common_form_check.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  permitflow::fuzz::common_form_agrees(permitflow::fuzz::text(data, size));
  permitflow::fuzz::refused_or_ok(
      [&] { (void)permitflow::parse_application(permitflow::fuzz::text(data, size)); });
  return 0;
}
