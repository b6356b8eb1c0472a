// localsgd: run Local SGD experiments from a TOML config.
#include "runtime/app/cli.hpp"

#include <malloc.h>

int main(int argc, char** argv) {
  // Rounds allocate and free model-sized buffers (8 MB at d = 1e6) again and
  // again: keep them in the heap instead of mapping fresh, zeroed pages each
  // time (32 MB is glibc's largest mmap threshold).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  return lsgd::run_cli(argc, argv);
}
