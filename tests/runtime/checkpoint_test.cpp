// Checkpoints: the file format, and exact continuation through the actors.
#include "runtime/store/checkpoint.hpp"
#include "runtime/plan/run_plan.hpp"
#include "actors/reports.hpp"
#include "runtime/exec/runner.hpp"
#include "runtime/exec/system_config.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>

using namespace lsgd;
namespace fs = std::filesystem;

namespace {

const char* resumable = R"(
seed = 11
repetitions = 4
T = 80
N = [5]
record_every = 3
[objective]
type = "noisy_quadratic"
dimension = 2
x0 = 1.0
[step_size]
type = "inverse_time"
alpha = 3.0
[[method]]
name = "increasing"
schedule = { type = "increasing", rounds = "N" }
[[method]]
name = "fedac1"
optimizer = "fedac1"
schedule = { type = "constant", rounds = 6 }
[runtime]
repetitions_per_actor = 2
threads = 2
)";

struct temp_dir {
  fs::path path;
  temp_dir() {
    static int count = 0;
    path = fs::temp_directory_path()
           / ("lsgd_ckpt_" + std::to_string(::getpid()) + "_" + std::to_string(count++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() {
    fs::remove_all(path);
  }
};

// Runs batch `index` of `plan` to its end, from `resume` if given; returns
// its records and every checkpoint the server handed out.
std::pair<std::vector<run_record>, std::vector<server_checkpoint>>
run_one_batch(const run_plan& plan, size_t index, std::shared_ptr<const server_checkpoint> resume) {
  caf::actor_system_config cfg;
  configure_system(cfg, 0);
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto spec = make_server_spec(plan, index, caf::actor{self}, checkpointing{}, std::move(resume));
  auto saved = std::make_shared<std::vector<server_checkpoint>>();
  auto mutex = std::make_shared<std::mutex>();
  spec.save_checkpoint = [saved, mutex](const server_checkpoint& c) {
    std::lock_guard<std::mutex> guard(*mutex);
    saved->push_back(c);
  };
  spec.checkpoint_interval = 0; // after every round
  auto srv = spawn_batch(sys, plan, index, std::move(spec));
  std::vector<run_record> records;
  self->receive([&](batch_report& r) { records = std::move(r.records); });
  self->wait_for(srv);
  return {records, *saved};
}

void check_same(const std::vector<run_record>& a, const std::vector<run_record>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t r = 0; r < a.size(); ++r) {
    CHECK(a[r].complete);
    CHECK(b[r].complete);
    CHECK(a[r].trajectory == b[r].trajectory); // to the last bit
    CHECK(a[r].round_errors == b[r].round_errors);
    CHECK(a[r].round_steps() == b[r].round_steps());
    CHECK(a[r].round_workers() == b[r].round_workers());
    CHECK(a[r].messages == b[r].messages);
  }
}

} // namespace

TEST_CASE("resuming from the checkpoint after any round gives the uninterrupted numbers") {
  const auto plan = make_plan(parse_config(resumable, "r.toml"));
  // Resume on another actor layout: the numbers must not depend on it.
  const auto other = make_plan(parse_config(resumable, "r.toml", {"runtime.workers_per_actor=2"}));
  REQUIRE(plan.batches.size() == 4);
  for (size_t index = 0; index < plan.batches.size(); ++index) {
    CAPTURE(index);
    const auto [reference, checkpoints] = run_one_batch(plan, index, nullptr);
    const auto rounds = schedules::rounds(plan.entries[plan.batches[index].entry].times);
    REQUIRE(checkpoints.size() == rounds); // one per round, the last complete
    CHECK(checkpoints.back().records.front().complete);
    for (size_t k = 0; k + 1 < checkpoints.size(); ++k) {
      CAPTURE(k);
      CHECK(checkpoints[k].rounds_completed == k + 1);
      const auto resumed
        = run_one_batch(k % 2 ? other : plan, index,
                    std::make_shared<const server_checkpoint>(checkpoints[k]));
      check_same(reference, resumed.first);
    }
  }
}

TEST_CASE("checkpoint files: exact round trip, and refused when foreign or corrupt") {
  temp_dir tmp;
  const checkpoint_store store(tmp.path.string());
  store.begin(run_description{"T = 1", "x.toml", {"seed=3"}, "", 0});
  const auto d = store.description();
  CHECK(d.config == "T = 1");
  CHECK(d.overrides == std::vector<std::string>{"seed=3"});
  CHECK(d.file == "x.toml"); // as given: joining nodes resolve it as before
  CHECK(store.config_path() == (fs::current_path() / "x.toml").string()); // from anywhere

  const auto plan = make_plan(parse_config(resumable, "r.toml"));
  const auto checkpoints = run_one_batch(plan, 2, nullptr).second;
  const auto id = identity_in(plan, 2);
  CHECK(!store.load(2, id)); // nothing saved yet
  const auto& c = checkpoints[2];
  store.save(2, id, c);
  const auto back = store.load(2, id);
  REQUIRE(back);
  CHECK(back->rounds_completed == c.rounds_completed);
  CHECK(back->averages == c.averages);
  CHECK(back->positions == c.positions);
  CHECK(back->incarnations == c.incarnations);
  REQUIRE(back->records.size() == c.records.size());
  CHECK(back->records[1].trajectory == c.records[1].trajectory);
  CHECK(back->records[1].round_workers() == c.records[1].round_workers());

  CHECK_THROWS_WITH_AS(store.load(2, identity_in(plan, 3)),
                       doctest::Contains("written for another batch"), checkpoint_error);
  const auto file = tmp.path / "checkpoint" / "batch-2.ckpt";
  fs::resize_file(file, fs::file_size(file) / 2);
  CHECK_THROWS_WITH_AS(store.load(2, id), doctest::Contains("damaged or edited"),
                       checkpoint_error);
  store.remove();
  CHECK(!fs::exists(tmp.path / "checkpoint"));
  CHECK_THROWS_AS(store.description(), checkpoint_error);
}

namespace {

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

// A store of `plan` with run.json for `config` and batch 2 saved from a real run.
struct saved_run {
  temp_dir tmp;
  run_plan plan;
  checkpoint_store store;
  server_checkpoint checkpoint;
  fs::path batch = tmp.path / "checkpoint" / "batch-2.ckpt";
  fs::path run_json = tmp.path / "checkpoint" / "run.json";

  explicit saved_run(const std::string& config, const std::string& seed = "seed=11")
    : plan(make_plan(parse_config(config, "r.toml", {seed}))), store(tmp.path.string(), plan) {
    store.begin(run_description{config, "r.toml", {seed}, "", 0});
    checkpoint = run_one_batch(plan, 2, nullptr).second[1];
    store.save(2, identity_in(plan, 2), checkpoint);
  }
};

} // namespace

TEST_CASE("a checkpoint with any bit flipped, truncated or emptied is refused") {
  saved_run run(resumable);
  const auto id = identity_in(run.plan, 2);
  REQUIRE(run.store.load(2, id));
  const auto good = read_bytes(run.batch);
  for (size_t at : {size_t{0}, good.size() / 3, good.size() / 2, good.size() - 40,
                    good.size() - 1}) {
    CAPTURE(at);
    auto bad = good;
    bad[at] ^= 0x10;
    write_bytes(run.batch, bad);
    CHECK_THROWS_WITH_AS(run.store.load(2, id), doctest::Contains("damaged or edited"),
                         checkpoint_error);
    CHECK_THROWS_AS(run.store.verify(), checkpoint_error);
  }
  for (size_t size : {size_t{0}, size_t{10}, good.size() - 1}) {
    write_bytes(run.batch, good.substr(0, size));
    CHECK_THROWS_AS(run.store.load(2, id), checkpoint_error);
  }
  write_bytes(run.batch, good);
  CHECK_NOTHROW(run.store.verify());
}

TEST_CASE("a batch file of another run (another seed) is refused") {
  saved_run a(resumable, "seed=1");
  saved_run b(resumable, "seed=2");
  const auto id = identity_in(a.plan, 2);
  fs::copy_file(a.batch, b.batch, fs::copy_options::overwrite_existing);
  CHECK_THROWS_WITH_AS(b.store.load(2, id), doctest::Contains("belongs to another run"),
                       checkpoint_error);
  CHECK_THROWS_AS(b.store.verify(), checkpoint_error);
}

TEST_CASE("an edited run.json is refused, and refusals do not suggest --resume") {
  saved_run run(resumable);
  const auto good = read_bytes(run.run_json);
  auto edit = [&](const std::string& from, const std::string& to) {
    auto text = good;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    write_bytes(run.run_json, text.replace(at, from.size(), to));
  };
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
         {"T = 80", "T = 90"}, {"record_every = 3", "record_every = 1"},
         {"seed=11", "seed=12"}, {"\"N\": 0", "\"N\": 7"}}) {
    CAPTURE(to);
    edit(from, to);
    try {
      run.store.description();
      FAIL("accepted");
    } catch (const checkpoint_error& e) {
      const std::string what = e.what();
      CHECK(what.find("damaged or edited") != std::string::npos);
      CHECK(what.find("without --resume") != std::string::npos);
    }
  }
  write_bytes(run.run_json, "{\"format\": garbage");
  CHECK_THROWS_WITH_AS(run.store.description(), doctest::Contains("not JSON"), checkpoint_error);
  write_bytes(run.run_json, "[]");
  CHECK_THROWS_AS(run.store.description(), checkpoint_error);
  write_bytes(run.run_json, good);
  CHECK(run.store.description().overrides == std::vector<std::string>{"seed=11"});
}

TEST_CASE("a sealed checkpoint that does not fit the plan is refused, not used") {
  // A run.json edited with its checksum recomputed gives a run of another
  // identity; the batch files are refused as another run's. Sealed files
  // that still do not fit (a bug, or a forger) are refused by their shapes.
  saved_run run(resumable);
  const auto id = identity_in(run.plan, 2);
  const auto hash_of = [&] {
    // the run's identity as the batch file names it: decode the good file
    return checkpoint_file::decode_run(read_bytes(run.run_json)).hash;
  };
  const auto hash = hash_of();
  const batch_shape shape{run.plan.recorded_steps.steps().size(),
                          run.plan.entries[run.plan.batches[2].entry].times};
  auto refused = [&](server_checkpoint c, const std::string& why) {
    CAPTURE(why);
    const auto bytes = checkpoint_file::encode_batch(hash, id, c);
    CHECK_THROWS_WITH_AS(checkpoint_file::decode_batch(bytes, hash, id, &shape),
                         doctest::Contains(why.c_str()), std::invalid_argument);
    write_bytes(run.batch, bytes);
    CHECK_THROWS_AS(run.store.verify(), checkpoint_error);
  };
  const auto& good = run.checkpoint;
  CHECK_NOTHROW(checkpoint_file::decode_batch(checkpoint_file::encode_batch(hash, id, good), hash,
                                              id, &shape));
  auto c = good;
  c.records[0].trajectory.pop_back(); // as after T or record_every changed
  refused(c, "steps, the run records");
  c = good;
  c.records[1].trajectory.push_back(0);
  refused(c, "steps, the run records");
  c = good;
  c.rounds_completed += 1;
  refused(c, "records do not match the rounds completed");
  c.rounds_completed = 1000;
  refused(c, "1000 rounds completed of a schedule of");
  c = good;
  c.rounds_completed = static_cast<uint32_t>(shape.times.size()); // beyond the schedule
  // A record's rounds are shared and never changed: an edit makes a copy.
  const auto edited = [](run_record& r, auto change) {
    auto rounds = *r.rounds;
    change(rounds);
    r.rounds = std::make_shared<const batch_rounds>(std::move(rounds));
  };
  for (auto& r : c.records) {
    edited(r, [&](batch_rounds& x) {
      x.steps.resize(c.rounds_completed + 1, 1);
      x.workers.resize(c.rounds_completed + 1, 1);
    });
    r.round_errors.resize(c.rounds_completed + 1, 1);
  }
  refused(c, "rounds completed of a schedule");
  c = good;
  edited(c.records[0], [](batch_rounds& x) { x.steps.back() += 1; });
  refused(c, "not the schedule's");
  c = good;
  edited(c.records[0], [](batch_rounds& x) { x.workers.back() = 1000; });
  refused(c, "more workers in a round than N");
  c = good; // every repetition of a batch has the same rounds
  edited(c.records[1], [](batch_rounds& x) { x.workers.back() -= 1; });
  refused(c, "records of one batch differ in their rounds");
  c = good;
  c.records[0].complete = true;
  refused(c, "complete");
  c = good;
  c.positions.pop_back();
  refused(c, "stream positions");
  c = good;
  c.incarnations.push_back(0);
  refused(c, "incarnations");
  c = good;
  c.records.pop_back();
  refused(c, "wrong number of records");
  c = good;
  c.averages.conservativeResize(c.averages.rows() + 1, Eigen::NoChange);
  refused(c, "averages");
}

namespace {

// Equal to the last bit, NaN included.
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

} // namespace

TEST_CASE("[record] rounds = \"recorded\": a resumed run diverges where the uninterrupted one "
          "does, even from a round without an error") {
  // eta = 20 overflows between the recorded steps 50 and 100; sync: a round per step.
  const char* diverging = R"(
seed = 7
repetitions = 3
T = 120
N = [2]
record_every = 50
[objective]
type = "noisy_quadratic"
dimension = 3
multiplicative_noise = 1.0
x0 = 1.0
[step_size]
type = "constant"
eta = 20.0
[[method]]
name = "sync"
schedule = "synchronous"
[record]
rounds = "recorded"
[runtime]
threads = 1
repetitions_per_actor = 3
)";
  const auto plan = make_plan(parse_config(diverging, "d.toml"));
  REQUIRE(plan.batches.size() == 1);
  const auto [reference, checkpoints] = run_one_batch(plan, 0, nullptr);
  REQUIRE(checkpoints.size() == 120);
  for (const auto& rec : reference) {
    CHECK(std::isfinite(rec.round_errors[50]));
    CHECK(std::isnan(rec.round_errors[100])); // diverged by then
    CHECK(std::isnan(rec.round_errors[120]));
  }
  for (size_t k : {10, 60, 75, 90, 99, 100, 101}) {
    CAPTURE(k);
    const auto resumed
      = run_one_batch(plan, 0, std::make_shared<const server_checkpoint>(checkpoints[k - 1]));
    REQUIRE(resumed.first.size() == reference.size());
    for (size_t r = 0; r < reference.size(); ++r) {
      CHECK(same_bits(reference[r].round_errors, resumed.first[r].round_errors));
      CHECK(same_bits(reference[r].trajectory, resumed.first[r].trajectory));
    }
  }
}
