// The server's bookkeeping without actors: worker-id membership, the open
// round and its deadline, and when checkpoints are due, at explicit times.
#include "actors/checkpoint_timer.hpp"
#include "actors/membership.hpp"
#include "actors/round_tracker.hpp"

#include <doctest/doctest.h>

using namespace lsgd;
using namespace std::chrono_literals;

namespace {
const std::chrono::steady_clock::time_point t0{};
}

TEST_CASE("membership: ids lowest free run first, a lost block frees its ids") {
  membership m(5);
  CHECK(m.free_run() == 5);
  CHECK(m.join(2) == 0u);
  CHECK(m.join(2) == 2u);
  CHECK(!m.join(2)); // one id left
  CHECK(m.blocks().size() == 2);
  CHECK(m.join(1) == 4u);
  CHECK(m.full());
  CHECK(m.owner(3) == 1);
  m.lose(0);
  CHECK(m.alive() == 3);
  CHECK(m.owner(0) == -1);
  CHECK(m.incarnations() == std::vector<uint32_t>{1, 1, 0, 0, 0});
  m.lose(0); // again: nothing
  CHECK(m.incarnations() == std::vector<uint32_t>{1, 1, 0, 0, 0});
  CHECK(!m.join(3));
  CHECK(m.join(2) == 0u); // the lost ids, to a new block
  CHECK(m.owner(0) == 3);
  CHECK(m.blocks()[0].lost);
  CHECK(!m.join(0));
}

TEST_CASE("membership: losing a block before the run starts keeps its incarnations") {
  membership m(3);
  m.join(1);
  m.join(1);
  m.lose(1, false);
  CHECK(m.incarnations() == std::vector<uint32_t>{0, 0, 0});
  CHECK(m.free_run() == 2);
  CHECK(m.join(2) == 1u);
  CHECK(m.full());
}

TEST_CASE("round tracker: expected and received models, completion") {
  round_tracker r(4, fault_policy{});
  r.open(1, 10, t0);
  r.expect(2);
  r.expect(2);
  r.add_model(0, 2);
  CHECK(!r.complete());
  CHECK(r.has_model(1));
  CHECK(!r.has_model(2));
  r.withdraw(2); // the block of ids 2, 3 was lost
  CHECK(r.complete());
  CHECK(!r.everyone());
  CHECK(r.included() == std::vector<bool>{true, true, false, false});
  r.open(2, 10, t0);
  r.expect(4);
  r.add_model(0, 4);
  CHECK(r.everyone());
}

TEST_CASE("round tracker: deadline = factor x steps x slowest step, at least the floor") {
  fault_policy p;
  p.deadline_factor = 10;
  p.deadline_floor = 5;
  p.first_round_deadline = 100;
  round_tracker r(1, p);
  CHECK(r.open(1, 10, t0) == 100s); // no rate known yet
  CHECK(!r.overdue(1, t0 + 99s));
  CHECK(r.overdue(1, t0 + 100s));
  CHECK(!r.overdue(2, t0 + 100s));
  r.close(t0 + 2s); // 0.2 s per step
  CHECK(!r.overdue(1, t0 + 200s)); // closed
  CHECK(r.slowest_step() == doctest::Approx(0.2));
  CHECK(r.open(2, 100, t0 + 2s) == 200s);
  CHECK(r.allowed_seconds() == doctest::Approx(200));
  r.close(t0 + 3s); // faster: the slowest rate stays
  CHECK(r.allowed(1) == 5s); // the floor
  p.first_round_deadline = 1;
  CHECK(round_tracker(1, p).allowed(10) == 5s); // the floor also before any rate
}

TEST_CASE("checkpoint timer: the interval rule and the finish rule") {
  checkpoint_timer off(false, 0, false);
  off.start(t0);
  CHECK(!off.due(t0 + 1h));
  CHECK(!off.finish_due(t0 + 1h));

  checkpoint_timer c(true, 30, false);
  c.start(t0);
  CHECK(!c.due(t0 + 29s));
  CHECK(c.due(t0 + 30s));
  CHECK(!c.finish_due(t0 + 29s)); // shorter than the interval: none at all
  CHECK(c.finish_due(t0 + 30s));
  c.saved(t0 + 30s);
  CHECK(!c.due(t0 + 59s));
  CHECK(c.due(t0 + 60s));
  CHECK(c.finish_due(t0 + 31s)); // one was written: the last one too
  CHECK(c.elapsed(t0 + 31s) == doctest::Approx(31));

  checkpoint_timer resumed(true, 30, true);
  resumed.start(t0);
  CHECK(resumed.finish_due(t0 + 1s)); // a resumed batch always ends with one

  checkpoint_timer every(true, 0, false);
  every.start(t0);
  CHECK(every.due(t0));
}
