#include "runtime/io/atomic_file.hpp"

#include "runtime/io/printable.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

namespace lsgd {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int error_number) {
  throw std::runtime_error("cannot " + what + " " + printable(path) + " ("
                           + std::strerror(error_number) + ")");
}

// Writes and syncs `content` into a new file; false with errno on failure.
bool write_synced(const std::string& file, const std::string& content) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return false;
  size_t done = 0;
  bool ok = true;
  while (ok && done < content.size()) {
    const auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      if (n == 0)
        errno = ENOSPC;
      ok = false;
    } else {
      done += static_cast<size_t>(n);
    }
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  // close() reports a deferred write error on some file systems (NFS).
  if (::close(fd) != 0 && ok)
    return false;
  errno = saved;
  return ok;
}

// Makes a rename in `path`'s folder durable.
void sync_folder(const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/"
                                                                            : path.substr(0, slash);
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return; // the file is in place; only its durability is not certain
  ::fsync(fd);
  ::close(fd);
}

} // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
  const auto tmp = path + ".tmp." + std::to_string(::getpid());
  if (!write_synced(tmp, content)) {
    const int e = errno;
    ::unlink(tmp.c_str());
    fail("write", path, e);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    fail("replace", path, e);
  }
  sync_folder(path);
}

} // namespace lsgd
