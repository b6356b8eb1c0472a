#include "runtime/app/plot_command.hpp"

#include "runtime/io/printable.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace lsgd {

int draw_figures(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::fprintf(stderr, "localsgd: plot: %s: not a results folder\n", printable(dir).c_str());
    return 2;
  }
  // Debian's python3 carries python3-matplotlib even where another python3
  // comes first on PATH.
  const bool debian = ::access("/usr/bin/python3", X_OK) == 0;
  std::string python = debian ? "/usr/bin/python3" : "python3";
  std::string script = LSGD_PLOT_SCRIPT;
  std::string folder = dir;
  char* args[] = {python.data(), script.data(), folder.data(), nullptr};
  pid_t child = 0;
  const int spawned = debian ? ::posix_spawn(&child, args[0], nullptr, nullptr, args, environ)
                             : ::posix_spawnp(&child, args[0], nullptr, nullptr, args, environ);
  if (spawned != 0) {
    std::fprintf(stderr, "localsgd: plot: cannot start %s (%s)\n", python.c_str(),
                 std::strerror(spawned));
    return 1;
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0)
    if (errno != EINTR)
      return 1;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

} // namespace lsgd
