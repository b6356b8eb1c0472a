#include "numerics/schedule.hpp"
#include "runtime/config/config.hpp"
#include "runtime/config/toml_guard.hpp"
#include "runtime/plan/run_plan.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace lsgd;
namespace fs = std::filesystem;

namespace {

std::string first_line(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

// The smallest config the parser takes: one objective, one method; `top` goes
// before [objective]. Line 1 is empty, so a key appended after it is on line 13.
std::string minimal_config(const std::string& objective, const std::string& schedule,
                           const std::string& top = "") {
  return "\nseed = 1\nrepetitions = 1\nT = 10\nN = 2\n" + top + "[objective]\ntype = \""
         + objective + "\"\nx0 = 1.0\n[[method]]\nname = \"a\"\nschedule = \"" + schedule
         + "\"\n";
}

} // namespace

TEST_CASE("every bad config in tests/configs/bad fails with its expected error") {
  const fs::path dir = fs::path(LSGD_SOURCE_DIR) / "tests/configs/bad";
  size_t count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml")
      continue;
    ++count;
    const auto header = first_line(entry.path());
    const std::string tag = "# expect: ";
    REQUIRE(header.rfind(tag, 0) == 0);
    const auto expected = header.substr(tag.size());
    CAPTURE(entry.path().filename().string());
    std::string message;
    try {
      make_plan(load_config(entry.path().string()));
    } catch (const config_error& e) {
      message = e.what();
    }
    CAPTURE(message);
    CHECK(message.find(expected) != std::string::npos);
    CHECK(message.find('\n') == std::string::npos); // one line
  }
  CHECK(count >= 30); // issue 5: at least 30, of every kind
}

TEST_CASE("every shipped config is valid") {
  size_t count = 0;
  for (const auto& entry :
       fs::recursive_directory_iterator(fs::path(LSGD_SOURCE_DIR) / "configs")) {
    if (entry.path().extension() != ".toml")
      continue;
    ++count;
    CAPTURE(entry.path().string());
    CHECK_NOTHROW(make_plan(load_config(entry.path().string())));
  }
  CHECK(count >= 2);
}

TEST_CASE("overrides with --set") {
  const char* text = R"(
seed = 1
repetitions = 2
T = 100
N = 4
[objective]
type = "skewed_quadratic"
x0 = 2.0
[[method]]
name = "a"
schedule = { type = "increasing", rounds = "N" }
)";
  auto c = parse_config(text, "t.toml",
                        {"T=200", "N=[2, 8]", "method.0.schedule.rounds=sqrt(N)",
                         "objective.sigma=4", "runtime.threads=3"});
  CHECK(c.T == 200);
  CHECK(c.N == std::vector<int64_t>{2, 8});
  CHECK(c.methods[0].schedule.settings.text("rounds") == "sqrt(N)");
  CHECK(c.methods[0].schedule.made(100, 16) == schedules::increasing(100, 4));
  CHECK(c.objective.settings.number("sigma") == 4);
  CHECK(c.runtime.threads == 3);
  CHECK(c.name == "t");
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"method.3.name=x"}),
                       doctest::Contains("out of range"), config_error);
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"repetitions"}),
                       doctest::Contains("expected key=value"), config_error);
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"tee=3"}),
                       doctest::Contains("tee: unknown key"), config_error);
  // Neither TOML nor a bare word: refused before any work, quoted safely.
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"name=\xff"}),
                       doctest::Contains("name=\\xff: not a TOML value"), config_error);
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"name=\"abc"}),
                       doctest::Contains("not a TOML value"), config_error);
  CHECK(parse_config(text, "t.toml", {"name=run-1"}).name == "run-1");
}

TEST_CASE("defaults are filled in") {
  const char* text = R"(
seed = 1
repetitions = 1
T = 10
N = 2
[objective]
type = "noisy_quadratic"
dimension = 4
x0 = 0.5
[[method]]
name = "a"
schedule = "one_shot"
)";
  auto c = parse_config(text, "t.toml");
  CHECK(c.objective.settings.numbers("curvature") == std::vector<double>{1, 2, 3, 4});
  CHECK(parse_config(text, "t.toml", {"objective.curvature=2.5"})
          .objective.settings.numbers("curvature")
        == std::vector<double>(4, 2.5));
  CHECK(c.objective.settings.numbers("x0") == std::vector<double>(4, 0.5));
  CHECK(c.objective.made().x0 == std::vector<double>(4, 0.5));
  CHECK(c.record_every == 1);
  CHECK(c.methods[0].step_size.type == "inverse_time");
  CHECK(c.methods[0].step_size.made(0) == 3.0 / (1.0 * (0 + 1.0)));
  CHECK(c.methods[0].rule.type == "sgd");
  CHECK(!c.speedup);
}

TEST_CASE("[tls]: on with the table, paths from the config's folder, files checked on load") {
  const std::string base = minimal_config("skewed_quadratic", "one_shot");
  const std::string text = base + R"([tls]
certificate = "certs/node.pem"
key = "/etc/lsgd/node.key"
ca = "ca.pem"
)";
  CHECK(!parse_config(base, "cluster/run.toml").tls.enabled);
  auto c = parse_config(text, "cluster/run.toml");
  CHECK(c.tls.enabled);
  CHECK(c.tls.certificate.path == "cluster/certs/node.pem");
  CHECK(c.tls.key.path == "/etc/lsgd/node.key");
  CHECK(c.tls.ca.path == "cluster/ca.pem");
  CHECK(c.tls.certificate.where == "cluster/run.toml:13: tls.certificate");
  CHECK(parse_config(text, "run.toml").tls.ca.path == "ca.pem");
  // parse_config reads no file; check_local_files (and load_config) does.
  CHECK_THROWS_WITH_AS(check_local_files(c),
                       "cluster/run.toml:13: tls.certificate: cannot read the file "
                       "cluster/certs/node.pem",
                       config_error);
  const auto off = parse_config(text, "cluster/run.toml", {"tls.enabled=false"});
  CHECK(!off.tls.enabled);
  CHECK_NOTHROW(check_local_files(off));
  CHECK(!parse_config(base, "t.toml", {"tls.enabled=false"}).tls.enabled);
  CHECK_THROWS_WITH_AS(parse_config(base, "t.toml", {"tls.certificate=a.pem", "tls.ca=c.pem"}),
                       "t.toml: tls.key: missing (required)", config_error);
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"tls.ca=3"}),
                       doctest::Contains("tls.ca: expected a string"), config_error);
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"tls.ca=\"\""}),
                       "t.toml: tls.ca: must name a file", config_error);
}

TEST_CASE("non-ASCII text: fine in strings and comments, refused where toml++ 3.3 would go wrong") {
  CHECK(!find_unsafe_text("name = \"caf\xc3\xa9\" # \xc3\xa9t\xc3\xa9\n'k\xc3\xa9' = 'x'\n"));
  CHECK(!find_unsafe_text("a = \"\"\"x\\\"\"\"\xc3\xa9\"\"\"\nb = '''y''''' # \xc3\xa9\n"));
  CHECK(!find_unsafe_text("a = \"\"\"\\\n   x\xc3\xa9\"\"\"\n"));
  auto p = find_unsafe_text("a = 1\ncaf\xc3\xa9 = 2\n");
  REQUIRE(p);
  CHECK(p->line == 2);
  CHECK(find_unsafe_text("a = 'x\\' \xc3\xa9\n")); // no escapes in literal strings
  CHECK(find_unsafe_text("a = \"\\\xc3\xa9\"\n"));           // "\é"
  CHECK(find_unsafe_text("a = \"\"\"x\\\xef\xbb\xaf\"\"\"\n")); // found by the fuzzer
  CHECK(find_unsafe_text("N = 400'''\x02\xc6\xbd'''\n"));       // also found by it
  CHECK(!find_unsafe_text("a=\"\xc3\xa9\"\nb.'\xc3\xa9'=[1,'\xc3\xa9',{c=\"\xc3\xa9\"}]\n"
                          "d = [\n  1,\n  \"\xc3\xa9\",\n]\n[t.\"\xc3\xa9\"]\n"));
  p = find_unsafe_text("a = \"\"\"\\  \n\n  \xc2\xa7\"\"\"\n");
  REQUIRE(p);
  CHECK(p->line == 3);
  // --set takes such a value as a bare word, a string
  const std::string text = minimal_config("skewed_quadratic", "one_shot");
  CHECK(parse_config(text, "t.toml", {"method.0.name=caf\xc3\xa9"}).methods[0].name
        == "caf\xc3\xa9");
}

TEST_CASE("[random]: the generator, philox4x32-boxmuller unless the config says otherwise") {
  const std::string text = minimal_config("skewed_quadratic", "one_shot");
  CHECK(parse_config(text, "t.toml").random.generator == generator_kind::philox4x32_boxmuller);
  CHECK(parse_config(text, "t.toml", {"random.generator=philox4x64-ziggurat"}).random.generator
        == generator_kind::philox4x64_ziggurat);
  CHECK(parse_config(text, "t.toml", {"random.generator=philox4x32-boxmuller"}).random.generator
        == generator_kind::philox4x32_boxmuller);
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"random.generator=mt19937"}),
                       doctest::Contains("random.generator: unknown value \"mt19937\""),
                       config_error);
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"random.seed=3"}),
                       doctest::Contains("random.seed: unknown key"), config_error);
}

TEST_CASE("[cluster_model]: read in bytes per second, in the echo only when given") {
  const std::string text = minimal_config("noisy_quadratic", "synchronous");
  const auto plain = parse_config(text, "t.toml");
  CHECK(!plain.cluster);
  CHECK(plain.report.targets.empty());
  for (const auto& [name, v] : plain.sections)
    CHECK(name != "cluster_model");
  const auto c = parse_config(text + "[cluster_model]\nstep_seconds = 0.5\nbandwidth = 8e3\n"
                                     "reduction = \"chain\"\n[report]\ntargets = [0.1]\n",
                              "t.toml");
  REQUIRE(c.cluster);
  CHECK(c.cluster->bandwidth == 1000); // bits to bytes
  CHECK(c.cluster->shape == reduction_shape::chain);
  CHECK(c.cluster->bytes_per_model == 0); // computed from the objective by the store
  CHECK(c.report.targets == std::vector<double>{0.1});
  CHECK(c.sections.back().first == "cluster_model");
}

// [cluster]: the round reduction of serve; in the echo only when given.
TEST_CASE("[cluster]: reduction chain by default, star when asked, chunk_kb checked") {
  const std::string text = minimal_config("noisy_quadratic", "synchronous");
  const auto plain = parse_config(text, "t.toml");
  CHECK(plain.reduction.chain);
  CHECK(plain.reduction.chunk_kb * 1024 == chain_chunk_bytes);
  for (const auto& [name, v] : plain.sections)
    CHECK(name != "cluster");
  const auto c = parse_config(text, "t.toml", {"cluster.reduction=star", "cluster.chunk_kb=4"});
  CHECK(!c.reduction.chain);
  CHECK(c.reduction.chunk_kb == 4);
  CHECK(c.sections.back().first == "cluster");
  CHECK(parse_config(text + "[cluster]\n", "t.toml").reduction.chain);
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"cluster.reduction=ring"}),
                       doctest::Contains("cluster.reduction: unknown value \"ring\""),
                       config_error);
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"cluster.chunk_kb=0"}),
                       doctest::Contains("cluster.chunk_kb"), config_error);
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"cluster.chain=true"}),
                       doctest::Contains("cluster.chain: unknown key"), config_error);
}

TEST_CASE("[record] rounds: \"all\" unless given, \"recorded\" reaches the plan, in the echo "
          "only when given") {
  const std::string text = minimal_config("noisy_quadratic", "synchronous", "record_every = 4\n");
  const auto plain = parse_config(text, "t.toml");
  CHECK(plain.record_rounds == round_errors::all);
  for (const auto& [name, v] : plain.sections)
    CHECK(name != "record");
  CHECK(make_plan(plain).recorded_steps.evaluates_round(3));
  const auto c = parse_config(text, "t.toml", {"record.rounds=recorded"});
  CHECK(c.record_rounds == round_errors::recorded);
  CHECK(c.sections.back().first == "record");
  const auto plan = make_plan(c);
  CHECK(!plan.recorded_steps.evaluates_round(3));
  CHECK(plan.recorded_steps.evaluates_round(8));
  CHECK(plan.recorded_steps.evaluates_round(10)); // T
  CHECK_THROWS_WITH_AS(parse_config(text, "t.toml", {"record.rounds=some"}),
                       doctest::Contains("record.rounds: unknown value \"some\""), config_error);
}
