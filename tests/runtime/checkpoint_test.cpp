// Checkpoints: the file format, and exact continuation through the actors.
#include "runtime/store/checkpoint.hpp"
#include "runtime/plan/run_plan.hpp"
#include "actors/reports.hpp"
#include "runtime/exec/runner.hpp"
#include "runtime/exec/system_config.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
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
    path = fs::temp_directory_path() / ("lsgd_ckpt_" + std::to_string(::getpid()));
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
  configure_system(cfg, 0, false);
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
    CHECK(a[r].round_steps == b[r].round_steps);
    CHECK(a[r].round_workers == b[r].round_workers);
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
  const auto id = identity_of(plan, 2);
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
  CHECK(back->records[1].round_workers == c.records[1].round_workers);

  CHECK_THROWS_WITH_AS(store.load(2, identity_of(plan, 3)),
                       doctest::Contains("written for another batch"), checkpoint_error);
  const auto file = tmp.path / "checkpoint" / "batch-2.ckpt";
  fs::resize_file(file, fs::file_size(file) / 2);
  CHECK_THROWS_WITH_AS(store.load(2, id), doctest::Contains("unreadable"), checkpoint_error);
  store.remove();
  CHECK(!fs::exists(tmp.path / "checkpoint"));
  CHECK_THROWS_AS(store.description(), checkpoint_error);
}
