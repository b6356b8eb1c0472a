// Files written whole or not at all.
#pragma once

#include <string>

namespace lsgd {

/// Writes `content` to `path` through a temporary file in the same folder and
/// a rename, so a reader never sees a partial file. Throws std::runtime_error.
void write_file_atomically(const std::string& path, const std::string& content);

} // namespace lsgd
