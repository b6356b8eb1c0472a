// Keeps text away from Debian's toml++ 3.3.0 where it has undefined behaviour.
// It can go once toml++ 3.4 (upstream issues 190 and 295 fixed) is the
// version the project builds with: then delete this file and its call sites
// (parse_config and apply_override in config.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lsgd {

/// A place in TOML text that Debian's toml++ 3.3.0 must not see: it reaches
/// __builtin_unreachable() (undefined behaviour) when it asks whether certain
/// non-ASCII characters are whitespace (upstream marzer/tomlplusplus issues
/// 190 and 295). TOML allows non-ASCII text only in strings and comments, so
/// this finds any outside them, right after a backslash in a string (never a
/// TOML escape) or up to the end of a bare value (toml++ reads ahead through
/// quotes to tell a number from a date), and the one legal place toml++
/// mishandles: the first character after a line-ending backslash in a
/// multi-line string.
struct toml_text_problem {
  int64_t line = 0;
  std::string reason;
};
std::optional<toml_text_problem> find_unsafe_text(std::string_view text);

} // namespace lsgd
