#include "runtime/store/output_folder.hpp"

#include "runtime/io/printable.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace lsgd {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void refuse(const std::string& dir, const std::string& why) {
  throw output_folder_error("results folder " + printable(dir) + ": " + why);
}

// Creates and removes a file in `dir`: what writing the results will need.
void probe(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    refuse(dir, "not a folder");
  const auto file = dir + "/.localsgd-probe." + std::to_string(::getpid());
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    refuse(dir, std::string("cannot write into it (") + std::strerror(errno) + ")");
  ::close(fd);
  ::unlink(file.c_str());
}

} // namespace

void prepare_output_folder(const std::string& dir, bool overwrite) {
  std::error_code ec;
  std::string found;
  for (const char* name : result_files)
    if (fs::exists(fs::symlink_status(fs::path(dir) / name, ec)))
      found += (found.empty() ? "" : ", ") + std::string(name);
  if (!found.empty()) {
    if (!overwrite)
      refuse(dir, "holds results of an earlier run (" + found
                    + "): pass --overwrite to replace them, or choose another --out");
    for (const char* name : result_files) {
      fs::remove_all(fs::path(dir) / name, ec);
      if (ec)
        refuse(dir, "cannot remove " + std::string(name) + " (" + ec.message() + ")");
    }
  }
  fs::create_directories(dir, ec);
  if (ec)
    refuse(dir, "cannot create it (" + ec.message() + ")");
  probe(dir);
}

void check_output_folder(const std::string& dir) {
  probe(dir);
}

} // namespace lsgd
