// localsgd: run Local SGD experiments from a TOML config. A program with
// components of its own registers them and then hands over the same way
// (examples/custom_objective).
#include "runtime/app/cli.hpp"

int main(int argc, char** argv) {
  return lsgd::run_cli(argc, argv);
}
