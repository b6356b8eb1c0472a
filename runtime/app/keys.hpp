// `localsgd keys [NAME]`: every config key with its type, default and doc,
// printed from the key tables (the reference configs/example.toml follows).
#pragma once

#include <string>

namespace lsgd {

/// Prints the tables of `name` (a component, a table such as "faults", or a
/// kind: "objective", "optimizer", "schedule", "step_size"), or all of them
/// for "". Returns false if nothing has that name.
bool print_keys(const std::string& name);

} // namespace lsgd
