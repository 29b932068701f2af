// libFuzzer target: the permit-definition parser (lib/definition/definition.cpp), what an engine reads
// from a definitions_dir.
#include "definition/definition.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  permitflow::fuzz::refused_or_ok(
      [&] { (void)permitflow::parse_definition(permitflow::fuzz::text(data, size), "fuzz.json"); });
  return 0;
}
