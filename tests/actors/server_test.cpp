// The server against hostile, broken, lost and late workers, played by
// scoped actors that answer epochs by hand.
#include "actors/schedule.hpp"
#include "actors/server.hpp"
#include "numerics/noisy_quadratic.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <mutex>

using namespace lsgd;

namespace {

using namespace std::chrono_literals;

struct log_lines {
  std::mutex mutex;
  std::vector<std::string> lines;

  void add(const std::string& line) {
    std::lock_guard<std::mutex> guard(mutex);
    lines.push_back(line);
  }
  bool has(const std::string& part) {
    std::lock_guard<std::mutex> guard(mutex);
    for (const auto& l : lines)
      if (l.find(part) != std::string::npos)
        return true;
    return false;
  }
};

struct test_system {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  test_system() {
    cfg.add_message_types<caf::id_block::lsgd>();
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

// F(x) = (x_1^2 + 2 x_2^2) / 2 on R^2; every recorded step is a round's end.
struct fixture {
  test_system ts;
  caf::actor_system& sys = *ts.sys;
  std::shared_ptr<run_record> out = std::make_shared<run_record>();
  std::shared_ptr<log_lines> log = std::make_shared<log_lines>();
  record_plan records{30, 10};
  server_actor srv;

  fixture(uint32_t N, comm_times times, fault_policy policy) {
    Eigen::Vector2d a(1, 2);
    server_spec spec;
    spec.f = std::make_shared<noisy_quadratic>(a, 1.0, 0.5);
    spec.initial_model = Eigen::Vector2d::Ones();
    spec.workers = N;
    records = record_plan(times.back(), 10);
    spec.records = records;
    spec.out = {out};
    spec.faults = policy;
    auto lines = log;
    spec.log = [lines](const std::string& l) { lines->add(l); };
    srv = sys.spawn(server, std::move(spec), sys.spawn(schedule, std::move(times)));
  }

  uint32_t join(caf::scoped_actor& self, uint32_t count) {
    uint32_t first = 999;
    self->request(srv, 5s, atom::join_v, count)
      .receive([&](uint32_t id) { first = id; }, [&](caf::error&) { FAIL("join refused"); });
    return first;
  }

  epoch next_epoch(caf::scoped_actor& self, stream_state* streams = nullptr) {
    epoch got;
    for (bool done = false; !done;)
      self->receive([&](const epoch& e, const param_bytes&) {
                      got = e;
                      done = true;
                    },
                    [&](const stream_state& s) {
                      REQUIRE(streams);
                      *streams = s;
                    },
                    caf::after(5s) >> [&] {
                      done = true;
                      FAIL("no epoch");
                    });
    return got;
  }

  // What a block of `count` workers from `first` sends at the end of `e`:
  // a trace of the recorded steps and models all equal to `value`.
  void answer(caf::scoped_actor& self, const epoch& e, uint32_t first, uint32_t count,
              double value) {
    const auto steps = records.steps_in(e.first_step, e.last_step);
    if (!steps.empty())
      self->send(srv, trace{e.round, first, count, false, steps,
                            pack(Eigen::MatrixXd::Constant(
                              2, static_cast<Eigen::Index>(steps.size() * count), value))});
    self->send(srv, model{e.round, first, count, pack(Eigen::MatrixXd::Constant(2, count, value)),
                          {}});
  }

  std::string wait_down(caf::scoped_actor& self) {
    std::string reason = "timeout";
    self->receive([&](const caf::down_msg& d) { reason = sys.render(d.reason); },
                  caf::after(10s) >> [] {});
    return reason;
  }
};

fault_policy quick(bool continue_on_loss) {
  fault_policy p;
  p.continue_on_loss = continue_on_loss;
  p.deadline_floor = 1; // long enough for a loaded machine to answer in time
  p.first_round_deadline = 1;
  return p;
}

double f_at(double v) {
  return 0.5 * (v * v + 2 * v * v);
}

} // namespace

TEST_CASE("server: foreign, stale, repeated and unknown messages are dropped, never averaged") {
  fixture fx(2, schedules::one_shot(10), fault_policy{});
  caf::scoped_actor self{fx.sys};
  self->monitor(fx.srv);
  REQUIRE(fx.join(self, 2) == 0);
  const auto e = fx.next_epoch(self);
  {
    caf::scoped_actor stranger{fx.sys};
    stranger->send(fx.srv, model{1, 0, 2, pack(Eigen::MatrixXd::Constant(2, 2, 100.0)), {}});
  }
  self->send(fx.srv, model{2, 0, 2, pack(Eigen::MatrixXd::Constant(2, 2, 100.0)), {}});
  caf::anon_send(caf::actor_cast<caf::actor>(fx.srv), std::string("hello"));
  self->send(fx.srv, atom::deadline_v, 1u);
  const trace t{1, 0, 2, false, {10}, pack(Eigen::MatrixXd::Constant(2, 2, 3.0))};
  self->send(fx.srv, t);
  self->send(fx.srv, t);
  self->send(fx.srv, model{1, 0, 2, pack(Eigen::MatrixXd::Constant(2, 2, 3.0)), {}});
  CHECK(fx.wait_down(self) == "none");
  REQUIRE(fx.out->complete);
  CHECK(fx.out->round_errors.back() == f_at(3.0)); // only the honest model
  CHECK(fx.out->round_workers == std::vector<uint32_t>{2, 2});
  CHECK(e.round == 1);
  CHECK(fx.log->has("not a registered worker"));
  CHECK(fx.log->has("model of round 2"));
  CHECK(fx.log->has("unexpected message"));
  CHECK(fx.log->has("deadline message that the server did not send"));
  CHECK(fx.log->has("second trace of round 1"));
}

TEST_CASE("server, abort policy: a model with NaN or of the wrong size fails the run") {
  for (const bool nan : {true, false}) {
    CAPTURE(nan);
    fixture fx(2, schedules::one_shot(10), fault_policy{});
    caf::scoped_actor self{fx.sys};
    self->monitor(fx.srv);
    fx.join(self, 2);
    fx.next_epoch(self);
    self->send(fx.srv, trace{1, 0, 2, false, {10}, pack(Eigen::MatrixXd::Ones(2, 2))});
    Eigen::MatrixXd bad = Eigen::MatrixXd::Ones(nan ? 2 : 3, 2);
    if (nan)
      bad(1, 1) = std::nan("");
    self->send(fx.srv, model{1, 0, 2, pack(bad), {}});
    const auto reason = fx.wait_down(self);
    CHECK(reason.find("workers 0..1") != std::string::npos);
    CHECK(reason.find(nan ? "with NaN or Inf" : "does not fit") != std::string::npos);
    CHECK(!fx.out->complete);
    CHECK(fx.out->round_errors.size() == 1); // nothing averaged
  }
}

TEST_CASE("server, continue policy: an invalid model loses its block; the round averages the rest") {
  fixture fx(2, schedules::one_shot(10), quick(true));
  caf::scoped_actor a{fx.sys}, b{fx.sys};
  a->monitor(fx.srv);
  REQUIRE(fx.join(a, 1) == 0);
  REQUIRE(fx.join(b, 1) == 1);
  const auto e = fx.next_epoch(a);
  fx.next_epoch(b);
  fx.answer(a, e, 0, 1, 2.0);
  fx.answer(b, e, 1, 1, std::numeric_limits<double>::infinity());
  CHECK(fx.wait_down(a) == "none");
  REQUIRE(fx.out->complete);
  CHECK(fx.out->round_errors.back() == f_at(2.0));
  CHECK(fx.out->trajectory.back() == f_at(2.0));
  CHECK(fx.out->round_workers == std::vector<uint32_t>{2, 1});
  CHECK(fx.log->has("lost workers 1..1"));
}

TEST_CASE("server: a block that misses the round deadline is lost") {
  for (const bool go_on : {false, true}) {
    CAPTURE(go_on);
    fixture fx(2, schedules::one_shot(10), quick(go_on));
    caf::scoped_actor a{fx.sys}, silent{fx.sys};
    a->monitor(fx.srv);
    fx.join(a, 1);
    fx.join(silent, 1);
    fx.answer(a, fx.next_epoch(a), 0, 1, 2.0);
    const auto reason = fx.wait_down(a);
    if (go_on) {
      CHECK(reason == "none");
      CHECK(fx.out->round_workers == std::vector<uint32_t>{2, 1});
      CHECK(fx.log->has("missed the deadline of round 1"));
    } else {
      CHECK(reason.find("workers 1..1: missed the deadline of round 1") != std::string::npos);
      CHECK(!fx.out->complete);
    }
  }
}

TEST_CASE("server: a replacement takes over lost ids from the next round, with new streams") {
  fixture fx(2, schedules::constant_rounds(30, 3), quick(true));
  caf::scoped_actor a{fx.sys};
  a->monitor(fx.srv);
  fx.join(a, 1);
  {
    caf::scoped_actor lost{fx.sys};
    fx.join(lost, 1);
    fx.answer(a, fx.next_epoch(a), 0, 1, 1.0);
  } // its actor ends: the server sees it go down
  const auto e2 = fx.next_epoch(a);
  CHECK(e2.round == 2);
  caf::scoped_actor c{fx.sys};
  CHECK(fx.join(c, 1) == 1);
  fx.answer(a, e2, 0, 1, 1.0); // round 2 without the replacement
  stream_state s;
  const auto e3c = fx.next_epoch(c, &s);
  CHECK(e3c.round == 3);
  CHECK(s.first_worker == 1);
  CHECK(s.positions == std::vector<uint64_t>{0});
  CHECK(s.incarnations == std::vector<uint32_t>{1});
  const auto e3a = fx.next_epoch(a);
  fx.answer(a, e3a, 0, 1, 1.0);
  fx.answer(c, e3c, 1, 1, 3.0);
  CHECK(fx.wait_down(a) == "none");
  REQUIRE(fx.out->complete);
  CHECK(fx.out->round_workers == std::vector<uint32_t>{2, 1, 1, 2});
  CHECK(fx.out->round_errors.back() == f_at(2.0));
  CHECK(fx.log->has("replaced"));
}
