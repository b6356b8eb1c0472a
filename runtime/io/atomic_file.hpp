// Files written whole or not at all.
#pragma once

#include <string>

namespace lsgd {

/// Writes `content` to `path` through a temporary file in the same folder
/// (`path`.tmp.PID), synced to disk before it is renamed over `path`, and the
/// folder synced after, so that neither a reader nor a power cut ever sees a
/// partial file. On any failure (a full disk, no permission) the temporary
/// file is removed and std::runtime_error says, in one line, what failed.
void write_file_atomically(const std::string& path, const std::string& content);

} // namespace lsgd
