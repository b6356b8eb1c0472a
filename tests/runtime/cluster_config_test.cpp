// [cluster]: the round reduction of serve, read, checked, and in the echo
// only when given (other summaries stay as they were).
#include "runtime/config/config.hpp"

#include <doctest/doctest.h>

using namespace lsgd;

TEST_CASE("[cluster]: reduction star by default, chain when asked, chunk_kb checked") {
  const std::string text = R"(
seed = 1
repetitions = 1
T = 10
N = 2
[objective]
type = "noisy_quadratic"
x0 = 1.0
[[method]]
name = "a"
schedule = "synchronous"
)";
  const auto plain = parse_config(text, "t.toml");
  CHECK(!plain.reduction.chain);
  CHECK(plain.reduction.chunk_kb * 1024 == chain_chunk_bytes);
  for (const auto& [name, v] : plain.sections)
    CHECK(name != "cluster");
  const auto c = parse_config(text, "t.toml", {"cluster.reduction=chain", "cluster.chunk_kb=4"});
  CHECK(c.reduction.chain);
  CHECK(c.reduction.chunk_kb == 4);
  CHECK(c.sections.back().first == "cluster");
  CHECK(!parse_config(text + "[cluster]\n", "t.toml").reduction.chain);
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"cluster.reduction=ring"}),
                       doctest::Contains("cluster.reduction: unknown value \"ring\""),
                       config_error);
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"cluster.chunk_kb=0"}),
                       doctest::Contains("cluster.chunk_kb"), config_error);
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"cluster.chain=true"}),
                       doctest::Contains("cluster.chain: unknown key"), config_error);
}
