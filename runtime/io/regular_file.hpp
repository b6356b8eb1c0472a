// Reads a whole input file, refusing what is not a regular file or too large.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace lsgd {

/// Size caps, one per kind of file the program reads.
namespace file_limits {
constexpr uint64_t MiB = uint64_t{1} << 20;
constexpr uint64_t config = 16 * MiB;
constexpr uint64_t run_json = 64 * MiB; // a config, escaped, and its overrides
constexpr uint64_t data = 4096 * MiB;   // beyond it the numbers would not fit (dataset_reader)
constexpr uint64_t optimum_cache = 1024 * MiB;
constexpr uint64_t checkpoint = 16384 * MiB;
constexpr uint64_t address_file = 4096; // one HOST:PORT line (runtime/exec/address_file.hpp)
} // namespace file_limits

/// Why a file could not be read; what() is one line naming it.
class file_error : public std::runtime_error {
public:
  file_error(const std::string& what, int error_number)
    : std::runtime_error(what), errno_(error_number) {
  }
  /// The file does not exist (callers for which that is normal ask).
  bool missing() const;

private:
  int errno_;
};

/// The bytes of `path`, which must be a regular file of at most `limit`
/// bytes. A FIFO, a device (/dev/zero), a socket or a folder is refused
/// without blocking on it, as is a file that is or grows too large.
/// `what` names the file in messages ("the config file"). Throws file_error.
std::string read_regular_file(const std::string& path, uint64_t limit, const std::string& what);

} // namespace lsgd
