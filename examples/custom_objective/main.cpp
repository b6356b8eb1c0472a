// custom_localsgd: localsgd's command line (run, check, keys, serve, join,
// plot) with one more objective, "quartic".
#include "quartic.hpp"

#include <runtime/app/cli.hpp>

int main(int argc, char** argv) {
  lsgd::objective_registry().add(quartic_component());
  return lsgd::run_cli(argc, argv);
}
