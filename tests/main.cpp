// The test binary: the built-in components are registered first, as the
// command line does.
#define DOCTEST_CONFIG_IMPLEMENT
#include "runtime/components/builtins.hpp"

#include <doctest/doctest.h>

int main(int argc, char** argv) {
  lsgd::register_builtin_components();
  return doctest::Context(argc, argv).run();
}
