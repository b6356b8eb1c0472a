#include "runtime/io/regular_file.hpp"

#include "runtime/io/printable.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lsgd {

namespace {

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode))
    return "a folder";
  if (S_ISFIFO(mode))
    return "a FIFO";
  if (S_ISCHR(mode))
    return "a character device";
  if (S_ISBLK(mode))
    return "a block device";
  if (S_ISSOCK(mode))
    return "a socket";
  return "not a plain file";
}

std::string size_text(uint64_t bytes) {
  return bytes % file_limits::MiB == 0 ? std::to_string(bytes / file_limits::MiB) + " MiB"
                                       : std::to_string(bytes) + " bytes";
}

struct descriptor {
  int fd;
  ~descriptor() {
    if (fd >= 0)
      ::close(fd);
  }
};

} // namespace

bool file_error::missing() const {
  return errno_ == ENOENT;
}

std::string read_regular_file(const std::string& path, uint64_t limit, const std::string& what) {
  const auto name = printable(path);
  auto fail = [&](const std::string& why, int error_number) {
    throw file_error(name + ": " + why, error_number);
  };
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  descriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
  if (file.fd < 0) {
    const int e = errno;
    fail("cannot open " + what + " (" + std::strerror(e) + ")", e);
  }
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) {
    const int e = errno;
    fail("cannot read " + what + " (" + std::strerror(e) + ")", e);
  }
  if (!S_ISREG(info.st_mode))
    fail(what + " is " + kind_of(info.st_mode) + ", not a regular file", 0);
  const auto too_large = [&] {
    fail(what + " is larger than the limit of " + size_text(limit), EFBIG);
  };
  if (static_cast<uint64_t>(info.st_size) > limit)
    too_large();
  std::string bytes;
  bytes.reserve(static_cast<size_t>(info.st_size));
  char buffer[1 << 16];
  while (true) {
    const auto got = ::read(file.fd, buffer, sizeof(buffer));
    if (got < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (got < 0) {
      const int e = errno;
      fail("cannot read " + what + " (" + std::strerror(e) + ")", e);
    }
    if (got == 0)
      return bytes;
    if (bytes.size() + static_cast<size_t>(got) > limit)
      too_large(); // it grew while being read
    bytes.append(buffer, static_cast<size_t>(got));
  }
}

} // namespace lsgd
