// localsgd: run Local SGD experiments from a TOML config.
#include "runtime/cli.hpp"

int main(int argc, char** argv) {
  return lsgd::run_cli(argc, argv);
}
