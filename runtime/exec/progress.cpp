#include "runtime/exec/progress.hpp"

#include <cstdio>

namespace lsgd {

progress_line::progress_line(size_t total, bool enabled)
  : total_(total), enabled_(enabled), started_(std::chrono::steady_clock::now()) {
}

void progress_line::update(size_t done) {
  if (!enabled_)
    return;
  const double elapsed
    = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
  std::fprintf(stderr, "\r\033[Kruns %zu/%zu  %.1f runs/s  ETA %.0f s", done, total_, rate, eta);
  std::fflush(stderr);
  drawn_ = true;
}

void progress_line::finish(size_t) {
  if (enabled_ && drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
}

} // namespace lsgd
