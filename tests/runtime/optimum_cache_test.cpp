// The F* cache next to a data set: hit, stale, corrupt, unwritable.
#include "numerics/logistic_regression.hpp"
#include "numerics/newton.hpp"
#include "runtime/config/config.hpp"
#include "runtime/io/optimum_cache.hpp"
#include "runtime/plan/run_plan.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

using namespace lsgd;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<dataset> two_class_data(double shift) {
  auto d = std::make_shared<dataset>();
  d->features.resize(2, 6);
  d->features << 1, 2, 3, 4, 5, 6, //
    1, 1, 1, 1, 1, 1;
  d->features.row(0).array() -= shift;
  d->labels.resize(6);
  d->labels << 0, 0, 1, 0, 1, 1;
  d->classes = 2;
  return d;
}

// A temporary folder, removed at the end.
struct temp_dir {
  fs::path path = fs::temp_directory_path()
                  / ("lsgd-cache-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
  temp_dir() {
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, ec);
    fs::remove_all(path, ec);
  }
};

} // namespace

TEST_CASE("F* cache: computed once, then read, stale or corrupt entries are recomputed") {
  temp_dir dir;
  const auto file = (dir.path / "d.csv.optimum.json").string();
  logistic_regression f(two_class_data(0), 0.1);
  const auto key = optimum_cache_key("the data bytes", "settings A");
  CHECK(key != optimum_cache_key("the data byteS", "settings A"));
  CHECK(key != optimum_cache_key("the data bytes", "settings B"));

  const auto first = find_optimum(f, file, key, "settings A");
  CHECK(!first.report.from_cache);
  CHECK(first.report.newton_iterations > 0);
  CHECK(first.report.gradient_norm < 1e-8);
  REQUIRE(fs::exists(file));
  const auto again = find_optimum(f, file, key, "settings A");
  CHECK(again.report.from_cache);
  CHECK(again.report.value == first.report.value);
  CHECK(again.x == first.x);

  // Another setting adds an entry and keeps the first.
  logistic_regression g(two_class_data(0), 0.5);
  const auto other = find_optimum(g, file, optimum_cache_key("the data bytes", "B"), "B");
  CHECK(!other.report.from_cache);
  CHECK(find_optimum(f, file, key, "settings A").report.from_cache);

  // The same key on a different F (as after a hash collision): x* fails the
  // check and is recomputed, never trusted.
  logistic_regression shifted(two_class_data(3.5), 0.1);
  const auto stale = find_optimum(shifted, file, key, "settings A");
  CHECK(!stale.report.from_cache);
  CHECK(stale.report.note == "the cached x* is not a minimiser of this F");
  CHECK(stale.report.value == doctest::Approx(newton_minimize(shifted, vector::Zero(2)).value));

  // A tampered F* is stale too.
  {
    std::ifstream in(file);
    auto doc = nlohmann::json::parse(in);
    doc["entries"][0]["F*"] = 0.5;
    std::ofstream(file) << doc.dump();
  }
  CHECK(!find_optimum(shifted, file, key, "settings A").report.from_cache);
  CHECK(find_optimum(shifted, file, key, "settings A").report.from_cache);

  // A corrupt file is replaced.
  std::ofstream(file) << "{ not json";
  const auto fixed = find_optimum(f, file, key, "settings A");
  CHECK(!fixed.report.from_cache);
  CHECK(fixed.report.note == "the cache file is corrupt");
  CHECK(find_optimum(f, file, key, "settings A").report.from_cache);
}

TEST_CASE("F* cache: a folder that cannot be written costs a warning, not the run") {
  temp_dir dir;
  const auto file = (dir.path / "sub" / "d.csv.optimum.json").string(); // no such folder
  logistic_regression f(two_class_data(0), 0.1);
  const auto r = find_optimum(f, file, "k", "s");
  CHECK(!r.report.from_cache);
  CHECK(r.report.gradient_norm < 1e-8);
  CHECK(!fs::exists(file));
}

TEST_CASE("a data config: F* from Newton, then from the cache, a changed file is recomputed") {
  temp_dir dir;
  const auto data = dir.path / "tiny.csv";
  fs::copy_file(fs::path(LSGD_SOURCE_DIR) / "tests/data/tiny.csv", data);
  const std::string text = R"(
seed = 1
repetitions = 2
T = 50
N = 2
[objective]
type = "logistic_regression"
data = "tiny.csv"
header = true
lambda = 0.1
[[method]]
name = "a"
schedule = "one_shot"
)";
  const auto config = (dir.path / "c.toml").string();
  std::ofstream(config) << text;
  const auto first = make_plan(load_config(config));
  REQUIRE(first.optimum);
  CHECK(!first.optimum->from_cache);
  CHECK(first.optimum->cache_file == data.string() + ".optimum.json");
  CHECK(first.f->dimension() == 4); // 3 features + intercept
  CHECK(first.x0 == std::vector<double>(4, 0.0));
  const auto second = make_plan(load_config(config));
  CHECK(second.optimum->from_cache);
  CHECK(second.optimum->value == first.optimum->value);
  CHECK(second.f->optimum_value() == first.f->optimum_value());
  // lambda changes F: a new entry. Batch size and split do not: the cache serves them.
  CHECK(!make_plan(load_config(config, {"objective.lambda=0.2"})).optimum->from_cache);
  CHECK(make_plan(load_config(config, {"objective.batch_size=4", "objective.split=\"sharded\""}))
          .optimum->from_cache);
  // A changed data file is a new key.
  std::ofstream(data, std::ios::app) << "0.1,0.2,0.3,1\n";
  CHECK(!make_plan(load_config(config)).optimum->from_cache);
}
