// The shared set-up of actor tests: a CAF system on the deterministic test
// coordinator (one message at a time, virtual time), a server of a small
// quadratic problem, and scoped actors that play its workers by hand.
#pragma once

#include "actors/reports.hpp"
#include "actors/schedule.hpp"
#include "actors/server.hpp"
#include "numerics/noisy_quadratic.hpp"
#include "runtime/exec/system_config.hpp"

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lsgd::test {

using namespace std::chrono_literals;

/// An actor system whose scheduler runs only when told, in virtual time.
struct deterministic_system {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;

  deterministic_system() {
    configure_system(cfg, 0);
    cfg.set("scheduler.policy", caf::atom("testing"));
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
  }

  /// Runs every pending message.
  void run() { sched->run(); }
  /// Moves virtual time on by `d` (timers due by then fire), then runs.
  void advance(caf::timespan d) {
    sched->advance_time(d);
    run();
  }
  caf::actor_clock::time_point now() const { return sys->clock().now(); }
};

/// A one-thread actor system of the real scheduler.
struct threaded_system {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  threaded_system() {
    configure_system(cfg, 1);
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

struct log_lines {
  std::vector<std::string> lines;
  bool has(const std::string& part) const {
    for (const auto& l : lines)
      if (l.find(part) != std::string::npos)
        return true;
    return false;
  }
};

/// How a batch ended: the server's exit reason (as CAF renders it; "none"
/// when it finished) and the records it reported.
struct batch_end {
  std::string reason = "still running";
  caf::error error;
  std::vector<run_record> records;
  const run_record& rec() const {
    REQUIRE(records.size() == 1);
    return records.front();
  }
};

/// F(x) = (x_1^2 + 2 x_2^2) / 2 on R^2; `reps` repetitions (default one),
/// from `resume` if given; every recorded step is a round's end. `self` (a scoped actor) gets the server's report.
struct server_fixture {
  deterministic_system ds;
  caf::actor_system& sys = *ds.sys;
  caf::scoped_actor self{sys};
  std::shared_ptr<log_lines> log = std::make_shared<log_lines>();
  record_plan records{30, 10};
  server_actor srv;

  server_fixture(uint32_t N, comm_times times, fault_policy policy,
                 double join_timeout = 0, uint32_t reps = 1,
                 std::shared_ptr<const server_checkpoint> resume = nullptr,
                 size_t trace_chunk_bytes = server_spec{}.trace_chunk_bytes)
    : server_fixture(N, std::move(times), policy, [&](server_spec& spec) {
        spec.join_timeout = join_timeout;
        spec.reps = reps;
        spec.resume = std::move(resume);
        spec.trace_chunk_bytes = trace_chunk_bytes;
      }) {}

  /// The same with the spec's other fields set by `adjust`.
  server_fixture(uint32_t N, comm_times times, fault_policy policy,
                 const std::function<void(server_spec&)>& adjust) {
    server_spec spec;
    spec.f = std::make_shared<noisy_quadratic>(Eigen::Vector2d(1, 2), 1.0, 0.5);
    spec.initial_model = Eigen::Vector2d::Ones();
    spec.workers = N;
    records = record_plan(times.back(), 10);
    spec.recorded_steps = records;
    spec.report_to = caf::actor{self};
    spec.faults = policy;
    adjust(spec);
    auto lines = log;
    spec.log = [lines](const std::string& l) { lines->lines.push_back(l); };
    srv = sys.spawn(server, std::move(spec), sys.spawn(schedule, std::move(times)));
    self->monitor(srv);
    ds.run();
  }

  // The system waits for every actor when it goes: stop a server that runs.
  ~server_fixture() {
    self->send_exit(srv, caf::exit_reason::user_shutdown);
    ds.run();
  }

  /// `worker` asks for `count` ids, its node's door at `door` (by default
  /// one, as a join node of a chain has); the first id, or 999 if refused.
  uint32_t join(caf::scoped_actor& worker, uint32_t count,
                link_address door = {"node.test", 4242}) {
    worker->send(srv, atom::join_v, count, std::move(door));
    ds.run();
    uint32_t first = 999;
    worker->receive([&](uint32_t id) { first = id; }, [&](caf::error&) {},
                    caf::after(0s) >> [] {});
    return first;
  }

  /// The next epoch in `worker`'s mailbox (and the stream state before it).
  epoch next_epoch(caf::scoped_actor& worker, stream_state* streams = nullptr) {
    ds.run();
    epoch got;
    for (bool done = false; !done;)
      worker->receive([&](const epoch& e, const param_bytes&) {
                        got = e;
                        done = true;
                      },
                      [&](const stream_state& s) {
                        REQUIRE(streams);
                        *streams = s;
                      },
                      caf::after(0s) >> [&] {
                        done = true;
                        FAIL("no epoch");
                      });
    return got;
  }

  /// What a block of `count` workers from `first` sends at the end of `e`:
  /// a trace of the recorded steps and models all equal to `value`.
  void answer(caf::scoped_actor& worker, const epoch& e, uint32_t first, uint32_t count,
              double value) {
    const auto steps = records.steps_in(e.first_step, e.last_step);
    if (!steps.empty())
      worker->send(srv, trace{e.round, first, count, false, steps,
                              pack(Eigen::MatrixXd::Constant(
                                2, static_cast<Eigen::Index>(steps.size() * count), value))});
    worker->send(srv, model{e.round, first, count,
                            pack(Eigen::MatrixXd::Constant(2, count, value)), {}});
    ds.run();
  }

  /// Runs what is pending; the report and exit reason if the server ended.
  batch_end end() {
    ds.run();
    batch_end out;
    for (bool done = false; !done;)
      self->receive([&](batch_report& r) { out.records = std::move(r.records); },
                    [&](const caf::down_msg& d) {
                      out.error = d.reason;
                      out.reason = sys.render(d.reason);
                      done = true;
                    },
                    caf::after(0s) >> [&] { done = true; });
    return out;
  }
};

/// A fault policy with short deadlines: 1 s floor and first round.
inline fault_policy quick(bool continue_on_loss) {
  fault_policy p;
  p.continue_on_loss = continue_on_loss;
  p.deadline_floor = 1;
  p.first_round_deadline = 1;
  return p;
}

/// F at (v, v).
inline double f_at(double v) {
  return 0.5 * (v * v + 2 * v * v);
}

} // namespace lsgd::test
