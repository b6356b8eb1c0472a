// Linked into every program of a -DLSGD_SANITIZE=ON build. GCC's UBSan runtime
// ignores log_path when ASan is loaded as well, so its reports reach only
// stderr, which the shell tests keep in temporary files or expect to be
// non-empty. UBSan calls this hook after every report; it appends one line to
// the file $LSGD_UBSAN_REPORTS, where tests/sanitize.sh finds it.
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

extern "C" void __ubsan_get_current_report_data(const char** kind, const char** message,
                                                const char** file, unsigned* line,
                                                unsigned* column, char** address);

extern "C" void __ubsan_on_report() {
  const char* path = std::getenv("LSGD_UBSAN_REPORTS");
  if (!path)
    return;
  const char *kind = "", *message = "", *file = "";
  unsigned line = 0, column = 0;
  char* address = nullptr;
  __ubsan_get_current_report_data(&kind, &message, &file, &line, &column, &address);
  if (FILE* out = std::fopen(path, "a")) {
    std::fprintf(out, "process %d: %s:%u:%u: %s: %s\n", static_cast<int>(::getpid()), file, line,
                 column, kind, message);
    std::fclose(out);
  }
}
