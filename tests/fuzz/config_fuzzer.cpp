// libFuzzer target for the config parser: what `localsgd check` runs on a
// config, parse_config and make_plan. tests/fuzz/run.sh builds and runs it.
//
// Input: TOML text, optionally followed by a line "# --set" and then one
// --set override (key.path=value) per line. Every bad input must end in a
// config_error; any other exception, a crash, a hang, a huge allocation or
// undefined behaviour is a finding.
//
// A config whose objective names a file (a key of type path: the data
// objectives' `data`) is parsed but not planned: make_plan would read the file it names (any path
// the fuzzer makes up: /dev/zero never ends, /dev/stdin blocks, a large file
// costs its size in memory), solve for F* by Newton's method and write an
// F* cache next to that file. parse_config reads no file, so every key of a
// data objective is still checked here; the data readers have their tests.
#include "runtime/components/builtins.hpp"
#include "runtime/config/config.hpp"
#include "runtime/plan/run_plan.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string separator = "\n# --set\n";
  const auto cut = input.find(separator);
  const std::string text = input.substr(0, cut);
  std::vector<std::string> overrides;
  if (cut != std::string::npos) {
    size_t at = cut + separator.size();
    while (at <= input.size()) {
      const auto end = std::min(input.find('\n', at), input.size());
      overrides.push_back(input.substr(at, end - at));
      at = end + 1;
    }
  }
  lsgd::register_builtin_components();
  try {
    auto config = lsgd::parse_config(text, "fuzz.toml", overrides);
    for (const auto& key : lsgd::objective_registry().find(config.objective.type)->keys)
      if (key.type == lsgd::key_type::path)
        return 0; // make_plan would read the file it names (see above)
    lsgd::make_plan(config);
  } catch (const lsgd::config_error&) {
    // the expected outcome of a bad config
  }
  return 0;
}
