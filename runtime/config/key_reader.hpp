// Reads a TOML table against a key table (inside the config room only: the
// rest of the program never sees toml++).
#pragma once

#include "runtime/config/key_table.hpp"
#include "runtime/config/toml_reader.hpp"

namespace lsgd {

/// The values of `keys` in the table `r` reads. Absent keys take their
/// default, or the value in `inherit` (the same component's values one level
/// up, e.g. the config's step size for a method's), or stay absent. Paths
/// are taken relative to the folder of `config_file`. Does not call
/// r.finish(): the caller reads its own keys first.
values read_keys(toml_reader& r, const key_table& keys, const std::string& config_file,
                 const values* inherit = nullptr);

} // namespace lsgd
