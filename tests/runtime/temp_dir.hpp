// A fresh folder under the system's temp directory for one test process,
// removed when the test ends.
#pragma once

#include <filesystem>
#include <string>
#include <unistd.h>

namespace lsgd::test {

struct temp_dir {
  std::filesystem::path path;
  explicit temp_dir(const std::string& prefix) {
    path = std::filesystem::temp_directory_path() / (prefix + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

} // namespace lsgd::test
