// The chain reduction's actors' parts: links that pass running-sum chunks on
// (actors/chain_link) and the server's end of the chain (actors/chain_round)
// give the star's bits, in small chunks, with lost ids; the server routes a
// chain, completes a round from the last link's sums, and sends a round that
// loses a block to the star.
#include "actors/chain_link.hpp"
#include "actors/worker.hpp"
#include "actors/chain_round.hpp"
#include "actors/trace_link.hpp"
#include "numerics/averaging.hpp"
#include "tests/actors/fixture.hpp"
#include "tests/numerics/sum_order.hpp"

#include <optional>

using namespace lsgd;
using namespace lsgd::test;
using Eigen::Index;
using Eigen::MatrixXd;

using actors = threaded_system;

TEST_CASE("chain_link: three links and the server's chain_round give the star's bits, "
          "in many small chunks, with lost ids between and after") {
  const Index rows = 37, groups = 3;
  const uint32_t N = 7; // ids 0, 1 | 2 lost | 3, 4 | 5 | 6 lost
  const auto all = awkward(rows, groups * N, 3);
  MatrixXd kept(rows, groups * 5);
  for (Index g = 0; g < groups; ++g) {
    kept.middleCols(g * 5, 2) = all.middleCols(g * N, 2);
    kept.middleCols(g * 5 + 2, 3) = all.middleCols(g * N + 3, 3);
  }
  MatrixXd star(rows, groups);
  average_column_groups(kept, 5, star);

  actors env;
  caf::scoped_actor a{*env.sys}, b{*env.sys}, c{*env.sys};
  const uint64_t limit = 5 * groups * sizeof(double); // 5 rows a message
  const auto ma = block_of(all, groups, N, 0, 2), mb = block_of(all, groups, N, 3, 2),
             mc = block_of(all, groups, N, 5, 1);
  chain_link la(0, 2, N, rows, groups), lb(3, 2, N, rows, groups), lc(5, 1, N, rows, groups);
  REQUIRE(!la.route({1, {}, caf::actor{b}, 0, limit}));
  la.models_ready(&ma);
  const auto from_a = la.take();
  CHECK(la.finished());
  // A model of 37 x 3 doubles (888 bytes unchunked) in 8 messages of at most 120.
  REQUIRE(from_a.size() == 8);
  for (const auto& x : from_a)
    CHECK(x.sum.bytes.size() <= limit);
  // A's chunks reach B before B's route: B keeps them for it.
  for (const auto& x : from_a)
    REQUIRE(!lb.receive(x, a->address()));
  CHECK(lb.take().empty());
  REQUIRE(!lb.route({1, caf::actor{a}, caf::actor{c}, 2, limit})); // id 2 takes no part
  CHECK(lb.take().empty()); // its models are not ready yet
  lb.models_ready(&mb);
  const auto from_b = lb.take();
  REQUIRE(from_b.size() == 8);
  REQUIRE(!lc.route({1, caf::actor{b}, {}, 5, limit}));
  lc.models_ready(&mc);
  std::vector<chain_chunk> from_c;
  for (const auto& x : from_b) { // one chunk at a time: the pipeline
    REQUIRE(!lc.receive(x, b->address()));
    for (auto& y : lc.take())
      from_c.push_back(std::move(y));
  }
  REQUIRE(from_c.size() == 8);
  CHECK(from_c.back().next == 6);
  CHECK(from_c.back().added == 5);
  chain_round end;
  end.open(1, rows, groups, N, static_cast<Index>(limit), 5, 6); // id 6 takes no part
  for (size_t k = 0; k < from_c.size(); ++k) {
    CHECK(!end.done());
    REQUIRE(!end.give(from_c[k]));
  }
  REQUIRE(end.done());
  CHECK(same_bits(end.averages(), star));
}

TEST_CASE("chain_link: chunks that overtake each other are summed in row order, with the "
          "same bits") {
  const Index rows = 37, groups = 3;
  const uint32_t N = 2;
  const auto all = awkward(rows, groups * N, 11);
  const auto ma = block_of(all, groups, N, 0, 1), mb = block_of(all, groups, N, 1, 1);
  actors env;
  caf::scoped_actor a{*env.sys}, b{*env.sys};
  const uint64_t limit = 5 * groups * sizeof(double);
  chain_link la(0, 1, N, rows, groups), in_order(1, 1, N, rows, groups),
    reversed(1, 1, N, rows, groups);
  REQUIRE(!la.route({1, {}, caf::actor{b}, 0, limit}));
  la.models_ready(&ma);
  const auto from_a = la.take();
  REQUIRE(from_a.size() == 8);
  for (auto* l : {&in_order, &reversed}) {
    REQUIRE(!l->route({1, caf::actor{a}, {}, 1, limit}));
    l->models_ready(&mb);
  }
  for (const auto& x : from_a)
    REQUIRE(!in_order.receive(x, a->address()));
  for (auto x = from_a.rbegin(); x != from_a.rend(); ++x) {
    CHECK(reversed.take().empty()); // row 0's chunk comes last
    REQUIRE(!reversed.receive(*x, a->address()));
  }
  const auto want = in_order.take(), got = reversed.take();
  REQUIRE(got.size() == want.size());
  for (size_t k = 0; k < got.size(); ++k) {
    CHECK(got[k].first_row == want[k].first_row);
    CHECK(got[k].sum.bytes == want[k].sum.bytes);
  }
  CHECK(reversed.finished());
}

TEST_CASE("chain_link: chunks from the wrong sender, out of place, twice, of an old or "
          "abandoned round") {
  const Index rows = 4, groups = 1;
  actors env;
  caf::scoped_actor a{*env.sys}, b{*env.sys}, stranger{*env.sys};
  const MatrixXd ma = MatrixXd::Ones(rows, 1), mb = MatrixXd::Constant(rows, 1, 2.0);
  chain_link la(0, 1, 2, rows, groups), lb(1, 1, 2, rows, groups);
  REQUIRE(!la.route({2, {}, caf::actor{b}, 0, 16})); // 2 rows a chunk
  la.models_ready(&ma);
  const auto from_a = la.take();
  REQUIRE(from_a.size() == 2);
  REQUIRE(!lb.route({2, caf::actor{a}, {}, 1, 16}));
  CHECK(lb.receive(from_a[0], stranger->address())); // not the block before
  auto misaligned = from_a[1];
  misaligned.first_row = 1;
  CHECK(lb.receive(misaligned, a->address())); // not one of the route's chunks
  CHECK(!lb.receive(from_a[1], a->address())); // before chunk 0: it overtook it
  CHECK(lb.receive(from_a[1], a->address()));  // again
  auto old = from_a[0];
  old.round = 1;
  CHECK(!lb.receive(old, a->address())); // dropped
  auto wrong = from_a[0];
  wrong.next = 0;
  CHECK(lb.receive(wrong, a->address())); // over other ids
  CHECK(lb.route({3, caf::actor{a}, {}, 2, 16})); // a sum ending after its first id
  REQUIRE(!lb.route({3, caf::actor{a}, {}, 1, 16}));
  lb.models_ready(&mb);
  lb.abandon(); // fallback: the round goes to the star
  CHECK(lb.round() == 0);
  auto later = from_a[0];
  later.round = 3;
  CHECK(!lb.receive(later, a->address()));
  CHECK(lb.take().empty());

  chain_round end;
  end.open(2, rows, groups, 2, 16, 2, 2);
  auto partial = from_a[0]; // ids 0..0 only
  CHECK(end.give(partial));
  CHECK(!end.done());
}

TEST_CASE("server, chain: routes in id order, the last link's sums end the round, a lost "
          "block sends its round to the star") {
  server_fixture fx(3, schedules::constant_rounds(20, 2), quick(true), [](server_spec& s) {
    s.chain = true;
    s.chain_chunk_bytes = 8; // one row a chunk
  });
  caf::scoped_actor a{fx.sys};
  std::optional<caf::scoped_actor> b_alive{std::in_place, fx.sys};
  auto& b = *b_alive;
  REQUIRE(fx.join(b, 2) == 0); // b holds ids 0, 1 and a holds 2: a is last
  REQUIRE(fx.join(a, 1) == 2);
  fx.ds.run();
  chain_route ra, rb;
  a->receive([&](const chain_route& r) { ra = r; }, caf::after(0s) >> [] { FAIL("no route"); });
  b->receive([&](const chain_route& r) { rb = r; }, caf::after(0s) >> [] { FAIL("no route"); });
  CHECK(!rb.prev);
  CHECK(rb.next == caf::actor{a});
  CHECK(ra.prev == caf::actor{b});
  CHECK(!ra.next);
  CHECK(ra.from == 2);
  const auto e = fx.next_epoch(a);
  fx.next_epoch(b);
  REQUIRE(e.round == 1);
  // Models: b's ids 1.0 and 2.0, a's 6.0; the average 3.0 in both rows.
  const MatrixXd mb = (MatrixXd(2, 2) << 1, 2, 1, 2).finished();
  const MatrixXd ma = MatrixXd::Constant(2, 1, 6.0);
  chain_link lb(0, 2, 3, 2, 1), la(2, 1, 3, 2, 1);
  REQUIRE(!lb.route(rb));
  REQUIRE(!la.route(ra));
  lb.models_ready(&mb);
  la.models_ready(&ma);
  const auto steps = fx.records.steps_in(e.first_step, e.last_step);
  // The traces go along the chain too: a star trace is not taken.
  a->send(fx.srv, trace{1, 2, 1, false, steps, pack(MatrixXd::Constant(2, Index(steps.size()), 3.0))});
  fx.ds.run();
  CHECK(fx.log->has("its traces are reduced by the chain"));
  trace_link tb(0, 2, 3, 2, 1), ta(2, 1, 3, 2, 1);
  REQUIRE(!tb.open(rb, steps.size(), e.trace_steps, e.trace_credit));
  REQUIRE(!ta.open(ra, steps.size(), e.trace_steps, e.trace_credit));
  const auto per = size_t{e.trace_steps};
  for (size_t c = 0; c * per < steps.size(); ++c) {
    const auto k = Index(std::min(per, steps.size() - c * per));
    tb.own(c, MatrixXd::Constant(2, k * 2, 3.0));
    ta.own(c, MatrixXd::Constant(2, k, 3.0));
  }
  const auto from_tb = tb.take();
  CHECK(from_tb.size() == 2); // one row a message
  for (auto& x : from_tb)
    REQUIRE(!ta.receive(x, b->address()));
  const auto from_ta = ta.take();
  CHECK(from_ta.size() == 2);
  for (auto& x : from_ta) {
    CHECK(x.sum.added == 3);
    a->send(fx.srv, x);
  }
  for (auto* w : {&a, &b}) {
    const uint32_t first = w == &a ? 2 : 0, count = w == &a ? 1 : 2;
    (*w)->send(fx.srv, chain_ready{1, first, count, {}});
  }
  for (const auto& x : lb.take())
    REQUIRE(!la.receive(x, b->address()));
  const auto sums = la.take();
  REQUIRE(sums.size() == 2);
  b->send(fx.srv, sums[0]); // only the last link may send them
  fx.ds.run();
  CHECK(fx.log->has("not the last of the chain"));
  a->send(fx.srv, sums[0]);
  a->send(fx.srv, model{1, 2, 1, pack(ma), {}}); // a chain round takes no models
  fx.ds.run();
  CHECK(fx.log->has("the round is reduced by the chain"));
  a->send(fx.srv, sums[1]);
  fx.ds.run();
  // Round 2: routed again; b is lost before its models are ready.
  a->receive([&](const chain_route& r) { ra = r; }, caf::after(0s) >> [] { FAIL("no route"); });
  const auto e2 = fx.next_epoch(a);
  REQUIRE(e2.round == 2);
  b_alive.reset(); // b goes down: its node is gone
  fx.ds.run();
  CHECK(fx.log->has("this round goes by the star"));
  bool fell_back = false;
  a->receive([&](atom::fallback, uint32_t r, uint32_t c) { fell_back = r == 2 && c == 0; },
             caf::after(0s) >> [] {});
  CHECK(fell_back);
  fx.answer(a, e2, 2, 1, 5.0);
  const auto end = fx.end();
  CHECK(end.reason == "none");
  REQUIRE(end.rec().complete);
  CHECK(end.rec().round_errors[1] == f_at(3.0));
  CHECK(end.rec().trajectory[1] == f_at(3.0)); // step 10: the chain's traces
  CHECK(end.rec().round_errors[2] == f_at(5.0));
  CHECK(end.rec().round_workers() == std::vector<uint32_t>{3, 3, 1});
}

TEST_CASE("server, chain: every block ready but no sums by the deadline: the round goes to "
          "the star, with the same time again") {
  server_fixture fx(2, schedules::one_shot(10), quick(true), [](server_spec& s) {
    s.chain = true;
  });
  caf::scoped_actor a{fx.sys}, b{fx.sys};
  REQUIRE(fx.join(a, 1) == 0);
  REQUIRE(fx.join(b, 1) == 1);
  fx.ds.run();
  for (auto* w : {&a, &b})
    (*w)->receive([](const chain_route&) {}, caf::after(0s) >> [] { FAIL("no route"); });
  const auto e = fx.next_epoch(a);
  fx.next_epoch(b);
  for (uint32_t id = 0; id < 2; ++id)
    (id == 0 ? a : b)->send(fx.srv, chain_ready{1, id, 1, {}}); // and no trace sums
  fx.ds.advance(999ms); // first_round_deadline = 1 s
  CHECK(!fx.log->has("by the star"));
  fx.ds.advance(1ms);
  CHECK(fx.log->has("by the star"));
  CHECK(fx.end().reason == "still running"); // nobody was lost: all were ready
  for (auto* w : {&a, &b}) {
    bool told = false;
    (*w)->receive([&](atom::fallback, uint32_t r, uint32_t c) { told = r == 1 && c == 0; },
                  caf::after(0s) >> [] {});
    CHECK(told);
  }
  fx.answer(a, e, 0, 1, 1.0); // the star: its traces, then its model
  fx.ds.advance(1s); // b sends nothing: lost at the star's deadline
  const auto end = fx.end();
  CHECK(end.reason == "none");
  REQUIRE(end.rec().complete);
  CHECK(end.rec().round_errors.back() == f_at(1.0));
  CHECK(end.rec().round_workers() == std::vector<uint32_t>{2, 1});
  CHECK(fx.log->has("lost workers 1..1 (missed the deadline of round 1"));
}

TEST_CASE("server, chain: a block not ready by the deadline is lost, the others' models end "
          "the round by the star") {
  server_fixture fx(2, schedules::one_shot(10), quick(true), [](server_spec& s) {
    s.chain = true;
  });
  caf::scoped_actor a{fx.sys}, silent{fx.sys};
  REQUIRE(fx.join(a, 1) == 0);
  REQUIRE(fx.join(silent, 1) == 1);
  fx.ds.run();
  a->receive([](const chain_route&) {}, caf::after(0s) >> [] { FAIL("no route"); });
  const auto e = fx.next_epoch(a);
  a->send(fx.srv, chain_ready{1, 0, 1, {}}); // its trace sums wait for the next block
  fx.ds.advance(1s);
  CHECK(fx.log->has("lost workers 1..1 (missed the deadline of round 1"));
  bool told = false;
  a->receive([&](atom::fallback, uint32_t r, uint32_t c) { told = r == 1 && c == 0; },
             caf::after(0s) >> [] {});
  REQUIRE(told);
  fx.answer(a, e, 0, 1, 2.0);
  const auto end = fx.end();
  CHECK(end.reason == "none");
  REQUIRE(end.rec().complete);
  CHECK(end.rec().round_errors.back() == f_at(2.0));
  CHECK(end.rec().round_workers() == std::vector<uint32_t>{2, 1});
}

TEST_CASE("server, chain: after a fallback at the deadline the star's models get the same "
          "time again, then the late are lost") {
  server_fixture fx(2, schedules::one_shot(10), quick(true), [](server_spec& s) {
    s.chain = true;
  });
  caf::scoped_actor a{fx.sys}, silent{fx.sys};
  REQUIRE(fx.join(a, 1) == 0);
  REQUIRE(fx.join(silent, 1) == 1);
  fx.ds.run();
  a->receive([](const chain_route&) {}, caf::after(0s) >> [] { FAIL("no route"); });
  REQUIRE(fx.next_epoch(a).round == 1);
  a->send(fx.srv, chain_ready{1, 0, 1, {}}); // its trace sums wait for the next block
  fx.ds.advance(1s); // silent is lost, a is told to send its model: it does not
  CHECK(fx.end().reason == "still running");
  fx.ds.advance(999ms);
  CHECK(fx.end().reason == "still running");
  fx.ds.advance(1ms);
  const auto end = fx.end();
  CHECK(end.reason.find("every worker of round 1 was lost") != std::string::npos);
}

TEST_CASE("server, relayed chain: the epoch goes without averages, their chunks to the first "
          "block only, and at the deadline only the block that held them up is lost") {
  server_fixture fx(3, schedules::one_shot(10), quick(true), [](server_spec& s) {
    s.chain = true;
    s.relay_averages = true;
    s.chain_chunk_bytes = 8; // one row a chunk
  });
  caf::scoped_actor a{fx.sys}, stuck{fx.sys}, c{fx.sys};
  REQUIRE(fx.join(a, 1) == 0);
  REQUIRE(fx.join(stuck, 1) == 1);
  REQUIRE(fx.join(c, 1) == 2);
  fx.ds.run();
  epoch e;
  for (auto* w : {&a, &stuck, &c}) {
    bool relayed = false, empty = false;
    (*w)->receive([&](const chain_route& r) { relayed = r.relay; },
                  caf::after(0s) >> [] { FAIL("no route"); });
    (*w)->receive(
      [&](const epoch& got, const param_bytes& averages) {
        e = got;
        empty = averages.bytes.empty();
      },
      caf::after(0s) >> [] { FAIL("no epoch"); });
    CHECK(relayed);
    CHECK(empty);
  }
  // The initial model (1, 1) in two chunks of one row, from the server, to a.
  std::vector<double> rows;
  for (int k = 0; k < 2; ++k)
    a->receive(
      [&](const average_chunk& x) {
        CHECK(x.first_row == uint64_t(k));
        CHECK(x.rows == 1);
        const auto* v = reinterpret_cast<const double*>(x.values.bytes.data());
        rows.push_back(v[0]);
        CHECK(a->current_sender() == caf::actor_cast<caf::strong_actor_ptr>(fx.srv));
      },
      caf::after(0s) >> [] { FAIL("no average chunk"); });
  CHECK(rows == std::vector<double>{1.0, 1.0});
  for (auto* w : {&stuck, &c})
    (*w)->receive([](const average_chunk&) { FAIL("a chunk past the first block"); },
                  caf::after(0s) >> [] {});
  // a passed them on and is ready; stuck never passes them to c.
  a->send(fx.srv, chain_ready{1, 0, 1, {}});
  fx.ds.advance(1s);
  CHECK(fx.log->has("lost workers 1..1 (missed the deadline of round 1"));
  CHECK(!fx.log->has("lost workers 2..2"));
  CHECK(!fx.log->has("lost workers 0..0"));
  // c is told to go by the star and gets the averages directly; a, ready, not.
  bool told = false, direct = false;
  c->receive([&](atom::fallback, uint32_t r, uint32_t) { told = r == 1; },
             caf::after(0s) >> [] {});
  c->receive(
    [&](const epoch& got, const param_bytes& averages) {
      direct = got.round == 1 && averages.size() == 2;
    },
    caf::after(0s) >> [] {});
  CHECK(told);
  CHECK(direct);
  a->receive([](atom::fallback, uint32_t, uint32_t) {}, caf::after(0s) >> [] {});
  a->receive([](const epoch&, const param_bytes&) { FAIL("the averages again to a ready block"); },
             caf::after(0s) >> [] {});
  fx.answer(a, e, 0, 1, 2.0);
  fx.answer(c, e, 2, 1, 4.0);
  const auto end = fx.end();
  CHECK(end.reason == "none");
  REQUIRE(end.rec().complete);
  CHECK(end.rec().round_errors.back() == f_at(3.0));
  CHECK(end.rec().round_workers() == std::vector<uint32_t>{3, 2});
}

TEST_CASE("direct links: of two neighbouring nodes exactly one connects, if either has a "
          "door") {
  const std::vector<link_address> doors{
    {}, {"10.0.0.1", 4001}, {"10.0.0.1", 4002}, {"10.0.0.2", 80}, {"host-b", 1}};
  for (const auto& a : doors)
    for (const auto& b : doors) {
      if (a.host == b.host && a.port == b.port) {
        CHECK(!connects_to(a, b)); // one node, or two without a door
        continue;
      }
      CHECK(connects_to(a, b) != connects_to(b, a));
    }
  CHECK(connects_to({}, {"10.0.0.1", 4001}));  // a node without a door dials
  CHECK(!connects_to({"10.0.0.1", 4001}, {})); // nobody to dial
}

TEST_CASE("server, chain: a route names the doors of the blocks before and after, and a "
          "block without one still gets the relayed averages (it connects to its neighbour)") {
  server_fixture fx(3, schedules::one_shot(10), quick(true), [](server_spec& s) {
    s.chain = true;
    s.relay_averages = true;
  });
  caf::scoped_actor a{fx.sys}, b{fx.sys}, c{fx.sys};
  REQUIRE(fx.join(a, 1, {"10.0.0.1", 4001}) == 0);
  REQUIRE(fx.join(b, 1, {"10.0.0.2", 4002}) == 1);
  REQUIRE(fx.join(c, 1, {}) == 2); // a node that could not open a door
  fx.ds.run();
  std::vector<chain_route> routes;
  for (auto* w : {&a, &b, &c}) {
    (*w)->receive([&](const chain_route& r) { routes.push_back(r); },
                  caf::after(0s) >> [] { FAIL("no route"); });
    (*w)->receive(
      [&](const epoch&, const param_bytes& averages) { CHECK(averages.size() == 0); },
      caf::after(0s) >> [] { FAIL("no epoch"); });
  }
  REQUIRE(routes.size() == 3);
  CHECK(routes[0].prev_door.host.empty()); // the first: no prev
  CHECK(routes[0].next_door.host == "10.0.0.2");
  CHECK(routes[0].next_door.port == 4002);
  CHECK(routes[1].prev_door.host == "10.0.0.1");
  CHECK(routes[1].prev_door.port == 4001);
  CHECK(routes[1].next_door.host.empty());
  CHECK(routes[2].prev_door.host == "10.0.0.2");
  CHECK(routes[2].next_door.host.empty()); // the last: no next
  for (const auto& r : routes)
    CHECK(r.relay);
}

TEST_CASE("server, chain: a block whose link to the next went down sends the round to the "
          "star, and nobody is lost") {
  server_fixture fx(2, schedules::one_shot(10), quick(true), [](server_spec& s) {
    s.chain = true;
    s.relay_averages = true;
  });
  caf::scoped_actor a{fx.sys}, b{fx.sys}, stranger{fx.sys};
  REQUIRE(fx.join(a, 1) == 0);
  REQUIRE(fx.join(b, 1) == 1);
  fx.ds.run();
  epoch e;
  for (auto* w : {&a, &b}) {
    (*w)->receive([](const chain_route&) {}, caf::after(0s) >> [] { FAIL("no route"); });
    (*w)->receive([&](const epoch& got, const param_bytes&) { e = got; },
                  caf::after(0s) >> [] { FAIL("no epoch"); });
  }
  stranger->send(fx.srv, atom::link_down_v, 1u); // not a block: dropped
  a->send(fx.srv, atom::link_down_v, 7u);        // not the open round
  fx.ds.run();
  CHECK(!fx.log->has("by the star"));
  a->send(fx.srv, chain_ready{1, 0, 1, {}});
  a->send(fx.srv, atom::link_down_v, 1u); // the relayed averages may not have reached b
  fx.ds.run();
  CHECK(fx.log->has("workers 0..0 lost their link to the next block"));
  CHECK(fx.log->has("this round goes by the star"));
  bool direct = false;
  b->receive([](atom::fallback, uint32_t, uint32_t) {}, caf::after(0s) >> [] { FAIL("no fallback"); });
  b->receive([&](const epoch& got, const param_bytes& averages) {
               direct = got.round == 1 && averages.size() == 2;
             },
             caf::after(0s) >> [] {});
  CHECK(direct);
  fx.answer(a, e, 0, 1, 1.0);
  fx.answer(b, e, 1, 1, 3.0);
  const auto end = fx.end();
  CHECK(end.reason == "none");
  REQUIRE(end.rec().complete);
  CHECK(end.rec().round_errors.back() == f_at(2.0));
  CHECK(end.rec().round_workers() == std::vector<uint32_t>{2, 2});
  CHECK(!fx.log->has("lost workers"));
}
