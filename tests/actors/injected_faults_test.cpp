// Injected faults ([faults.inject]) go through the server's own loss code:
// the same losses give the records the hand-played server tests give.
#include "actors/run_errc.hpp"
#include "tests/actors/fixture.hpp"

using namespace lsgd;
using namespace lsgd::test;

namespace {

// Worker 1 lost in round 1 and replaced from round 3, played by hand as in
// "server: a replacement takes over lost ids from the next round": its
// actor ends during round 1, the replacement joins during round 2.
std::vector<run_record> by_hand() {
  server_fixture fx(2, schedules::constant_rounds(30, 3), quick(true));
  caf::scoped_actor a{fx.sys};
  fx.join(a, 1);
  {
    caf::scoped_actor lost{fx.sys};
    fx.join(lost, 1);
    fx.answer(a, fx.next_epoch(a), 0, 1, 1.0);
  }
  const auto e2 = fx.next_epoch(a);
  caf::scoped_actor c{fx.sys};
  fx.join(c, 1);
  fx.answer(a, e2, 0, 1, 1.0);
  stream_state s;
  const auto e3c = fx.next_epoch(c, &s);
  fx.answer(a, fx.next_epoch(a), 0, 1, 1.0);
  fx.answer(c, e3c, 1, 1, 3.0);
  return fx.end().records;
}

} // namespace

TEST_CASE("server: an injected loss and replacement give the records of the same loss by hand") {
  caf::scoped_actor* replacement = nullptr;
  int spawned = 0;
  server_fixture fx(2, schedules::constant_rounds(30, 3), quick(true), [&](server_spec& s) {
    s.injected.losses = {{1, 1, "injected loss at round 1"}};
    s.injected.rejoins = {{3, 1}};
    s.spawn_replacement = [&](server_actor srv) {
      ++spawned;
      (*replacement)->send(srv, atom::join_v, 1u, link_address{});
    };
  });
  caf::scoped_actor a{fx.sys}, b{fx.sys}, c{fx.sys};
  replacement = &c;
  REQUIRE(fx.join(a, 1) == 0);
  REQUIRE(fx.join(b, 1) == 1);
  const auto e1 = fx.next_epoch(a);
  CHECK(fx.log->has("lost workers 1..1 (injected loss at round 1)"));
  fx.answer(a, e1, 0, 1, 1.0); // round 1 without worker 1
  const auto e2 = fx.next_epoch(a);
  CHECK(e2.round == 2);
  CHECK(spawned == 0);
  fx.answer(a, e2, 0, 1, 1.0);
  CHECK(spawned == 1); // round 3 waits for its replacement
  uint32_t given = 999;
  c->receive([&](uint32_t id) { given = id; }, caf::after(0s) >> [] {});
  CHECK(given == 1);
  stream_state s;
  const auto e3c = fx.next_epoch(c, &s);
  CHECK(e3c.round == 3);
  CHECK(s.incarnations == std::vector<uint32_t>{1}); // fresh streams
  fx.answer(a, fx.next_epoch(a), 0, 1, 1.0);
  fx.answer(c, e3c, 1, 1, 3.0);
  const auto end = fx.end();
  CHECK(end.reason == "none");
  REQUIRE(end.rec().complete);
  const auto hand = by_hand();
  REQUIRE(hand.size() == 1);
  CHECK(end.rec().round_workers() == std::vector<uint32_t>{2, 1, 1, 2});
  CHECK(end.rec().round_workers() == hand[0].round_workers());
  CHECK(end.rec().round_errors == hand[0].round_errors);
  CHECK(end.rec().trajectory == hand[0].trajectory);
  // By hand the server had sent round 1's averages to the worker it then lost.
  CHECK(end.rec().messages + 1 == hand[0].messages);
}

TEST_CASE("server, abort policy: an injected loss fails the run as a lost node does") {
  server_fixture fx(2, schedules::constant_rounds(30, 3), quick(false), [](server_spec& s) {
    s.injected.losses = {{2, 0, "injected loss at round 2"}};
  });
  caf::scoped_actor a{fx.sys}, b{fx.sys};
  fx.join(a, 1);
  fx.join(b, 1);
  const auto e1 = fx.next_epoch(a);
  fx.next_epoch(b);
  fx.answer(a, e1, 0, 1, 1.0);
  fx.answer(b, e1, 1, 1, 1.0);
  const auto end = fx.end();
  CHECK(end.reason.find("workers 0..0: injected loss at round 2") != std::string::npos);
  CHECK(run_errc_of(end.error) == run_errc::worker_lost);
  REQUIRE(end.records.size() == 1);
  CHECK(end.rec().round_errors.size() == 2); // round 1 is kept
  CHECK(!end.rec().complete);
}

TEST_CASE("server: a replacement that takes another id than the fault plan's fails the run") {
  caf::scoped_actor* replacement = nullptr;
  server_fixture fx(3, schedules::constant_rounds(30, 3), quick(true), [&](server_spec& s) {
    s.injected.losses = {{1, 1, "injected loss at round 1"}, {1, 2, "injected loss at round 1"}};
    s.injected.rejoins = {{2, 2}}; // join hands out 1, the lowest free id
    s.spawn_replacement = [&](server_actor srv) { (*replacement)->send(srv, atom::join_v, 1u, link_address{}); };
  });
  caf::scoped_actor a{fx.sys}, b{fx.sys}, c{fx.sys}, d{fx.sys};
  replacement = &d;
  fx.join(a, 1);
  fx.join(b, 1);
  fx.join(c, 1);
  fx.answer(a, fx.next_epoch(a), 0, 1, 1.0);
  const auto end = fx.end();
  CHECK(end.reason.find("took worker id 1, which the fault plan did not free") != std::string::npos);
}
