// The traces along the chain: links of the worker blocks (actors/trace_link)
// and the server's end (actors/chain_trace) give the star's bits for every
// chunk of recorded steps; a link keeps its snapshots until the server
// reduced them, so a fallback sends them by the star; the server turns a
// chain that loses a block mid-traces into the star from the first chunk the
// chain did not bring.
#include "actors/chain_trace.hpp"
#include "actors/trace_chunks.hpp"
#include "actors/trace_link.hpp"
#include "tests/actors/fixture.hpp"
#include "tests/numerics/sum_order.hpp"


using namespace lsgd;
using namespace lsgd::test;
using Eigen::Index;
using Eigen::MatrixXd;

using actors = threaded_system;

TEST_CASE("trace_link: three links and the server's chain_trace_sums give the star's "
          "trace averages bit for bit, chunk by chunk, in small row chunks, with lost ids") {
  const Index d = 9;
  const uint32_t N = 6, reps = 2; // ids 0, 1 | 2 lost | 3, 4 | 5
  const std::vector<uint64_t> steps{3, 6, 9, 12, 15};
  const size_t per = 2; // chunks of steps {3, 6}, {9, 12}, {15}
  const std::vector<block_sum::slot> slots{{0, 2, true}, {2, 1, false}, {3, 2, true},
                                           {5, 1, true}};
  trace_chunks star, chained;
  star.open(steps, per, d, reps, N, slots);
  chained.open(steps, per, d, reps, N, slots);
  chained.chain();
  CHECK(chained.owed_by(0) == chained.chunks()); // no block owes the server any
  chain_trace_sums end;
  const uint64_t limit = 3 * 4 * sizeof(double); // 3 rows of 4 groups a message
  end.open(1, d, reps, N, static_cast<Index>(limit), 5, 6, false);
  REQUIRE(end.on());

  actors env;
  caf::scoped_actor a{*env.sys}, b{*env.sys}, c{*env.sys};
  trace_link la(0, 2, N, d, reps), lb(3, 2, N, d, reps), lc(5, 1, N, d, reps);
  REQUIRE(!la.open({1, {}, caf::actor{b}, 0, limit}, steps.size(), per, 3));
  REQUIRE(!lb.open({1, caf::actor{a}, caf::actor{c}, 2, limit}, steps.size(), per, 3));
  REQUIRE(!lc.open({1, caf::actor{b}, {}, 5, limit}, steps.size(), per, 3));
  for (size_t k = 0; k < 3; ++k) {
    const Index groups = Index(std::min(per, steps.size() - k * per)) * reps;
    const auto all = awkward(d, groups * N, 7 + unsigned(k));
    star.give(0, false, pack(block_of(all, groups, N, 0, 2)));
    star.give(3, false, pack(block_of(all, groups, N, 3, 2)));
    star.give(5, false, pack(block_of(all, groups, N, 5, 1)));
    const auto want = star.take();
    REQUIRE(want);
    // The last link runs its chunk first, the first link last: they wait.
    lc.own(k, block_of(all, groups, N, 5, 1));
    CHECK(lc.take().empty());
    lb.own(k, block_of(all, groups, N, 3, 2));
    CHECK(lb.take().empty());
    la.own(k, block_of(all, groups, N, 0, 2));
    const auto from_a = la.take();
    const auto messages = chain_chunks(d, groups, static_cast<Index>(limit)).size();
    CHECK(messages == (k < 2 ? 3u : 2u)); // 9 rows, 3 (or 6 of 2 groups) a message
    REQUIRE(from_a.size() == messages);
    for (const auto& x : from_a) {
      CHECK(x.chunk == k);
      CHECK(x.sum.sum.bytes.size() <= limit);
      REQUIRE(!lb.receive(x, a->address()));
    }
    for (auto& x : lb.take())
      REQUIRE(!lc.receive(x, b->address()));
    const auto from_c = lc.take();
    REQUIRE(from_c.size() == messages);
    for (const auto& x : from_c) {
      CHECK(!chained.take());
      REQUIRE(!end.give(x, chained));
    }
    const auto got = chained.take();
    REQUIRE(got);
    CHECK(got->index == k);
    CHECK(same_bits(got->means, want->means));
  }
  CHECK(chained.finished());
}

TEST_CASE("trace_link: sums out of the credit, early rounds, snapshots kept until reduced "
          "and sent by the star on a fallback") {
  const Index d = 2;
  actors env;
  caf::scoped_actor a{*env.sys}, b{*env.sys};
  trace_link la(0, 1, 2, d, 1), lb(1, 1, 2, d, 1);
  const chain_route ra{4, {}, caf::actor{b}, 0, 1024}, rb{4, caf::actor{a}, {}, 1, 1024};
  REQUIRE(!la.open(ra, 6, 1, 2)); // six chunks of one step, two ahead
  for (size_t k = 0; k < 3; ++k)
    la.own(k, MatrixXd::Constant(d, 1, double(k)));
  const auto from_a = la.take();
  REQUIRE(from_a.size() == 3);
  // B gets them before its epoch of round 4: kept. Chunk 2 is beyond the two
  // the server lets a block run ahead of B's.
  for (const auto& x : from_a)
    REQUIRE(!lb.receive(x, a->address()));
  CHECK(lb.open(rb, 6, 1, 2));
  REQUIRE(!lb.open(rb, 6, 1, 2));
  REQUIRE(!lb.receive(from_a[0], a->address()));
  REQUIRE(!lb.receive(from_a[1], a->address()));
  CHECK(lb.receive(from_a[1], a->address())); // twice
  auto old = from_a[0];
  old.sum.round = 3;
  CHECK(!lb.receive(old, a->address())); // dropped
  lb.own(0, MatrixXd::Constant(d, 1, 10.0));
  lb.own(1, MatrixXd::Constant(d, 1, 11.0));
  CHECK(lb.take().size() == 2);
  // The server reduced chunk 0; then a block was lost: the star from chunk 1.
  lb.release_below(1);
  std::vector<std::pair<size_t, MatrixXd>> held;
  REQUIRE(lb.abandon(1, held));
  REQUIRE(held.size() == 1);
  CHECK(held[0].first == 1);
  CHECK(held[0].second(0, 0) == 11.0);
  CHECK(!lb.on());
  CHECK(!lb.receive(from_a[2], a->address())); // dropped: the round went to the star
  // A released more than the server says it reduced: not whole.
  la.release_below(2);
  held.clear();
  CHECK(!la.abandon(1, held));
}

TEST_CASE("server, chain: the traces come along the chain, a block lost mid-traces sends "
          "the round to the star from the first chunk the chain did not bring") {
  server_fixture fx(3, schedules::one_shot(50), quick(true), [](server_spec& s) {
    s.chain = true;
    s.trace_chunk_bytes = 96; // one recorded step a chunk (2 x 3 doubles), two ahead
  });
  caf::scoped_actor a{fx.sys}, c{fx.sys};
  std::optional<caf::scoped_actor> b_alive{std::in_place, fx.sys};
  auto& b = *b_alive;
  REQUIRE(fx.join(a, 1) == 0);
  REQUIRE(fx.join(b, 1) == 1);
  REQUIRE(fx.join(c, 1) == 2);
  fx.ds.run();
  chain_route ra, rb, rc;
  a->receive([&](const chain_route& r) { ra = r; }, caf::after(0s) >> [] { FAIL("no route"); });
  b->receive([&](const chain_route& r) { rb = r; }, caf::after(0s) >> [] { FAIL("no route"); });
  c->receive([&](const chain_route& r) { rc = r; }, caf::after(0s) >> [] { FAIL("no route"); });
  const auto e = fx.next_epoch(a);
  fx.next_epoch(b);
  fx.next_epoch(c);
  const auto steps = fx.records.steps_in(e.first_step, e.last_step);
  REQUIRE(e.trace_steps == 1);
  REQUIRE(e.trace_credit == 2);
  REQUIRE(steps.size() >= 3);
  trace_link ta(0, 1, 3, 2, 1), tb(1, 1, 3, 2, 1), tc(2, 1, 3, 2, 1);
  REQUIRE(!ta.open(ra, steps.size(), 1, e.trace_credit));
  REQUIRE(!tb.open(rb, steps.size(), 1, e.trace_credit));
  REQUIRE(!tc.open(rc, steps.size(), 1, e.trace_credit));
  const auto value = [](uint32_t id) { return id == 0 ? 1.0 : id == 1 ? 2.0 : 6.0; };
  // Chunk 0 along the whole chain: the average 3.
  ta.own(0, MatrixXd::Constant(2, 1, value(0)));
  tb.own(0, MatrixXd::Constant(2, 1, value(1)));
  tc.own(0, MatrixXd::Constant(2, 1, value(2)));
  for (auto& x : ta.take())
    REQUIRE(!tb.receive(x, a->address()));
  for (auto& x : tb.take())
    REQUIRE(!tc.receive(x, b->address()));
  for (auto& x : tc.take())
    c->send(fx.srv, x);
  fx.ds.run();
  // Chunk 1 reaches c, which has not run it, when b goes down.
  ta.own(1, MatrixXd::Constant(2, 1, value(0)));
  tb.own(1, MatrixXd::Constant(2, 1, value(1)));
  for (auto& x : ta.take())
    REQUIRE(!tb.receive(x, a->address()));
  for (auto& x : tb.take())
    REQUIRE(!tc.receive(x, b->address()));
  b_alive.reset();
  fx.ds.run();
  CHECK(fx.log->has("this round goes by the star"));
  // Both are told the star takes over from chunk 1; a sends what it holds.
  for (auto* w : {&a, &c}) {
    uint32_t from = 99;
    (*w)->receive([&](atom::fallback, uint32_t r, uint32_t k) { from = r == 1 ? k : 98; },
                  caf::after(0s) >> [] {});
    CHECK(from == 1);
  }
  std::vector<std::pair<size_t, MatrixXd>> held_a, held_c;
  REQUIRE(ta.abandon(1, held_a));
  REQUIRE(tc.abandon(1, held_c));
  CHECK(held_a.size() == 1);
  CHECK(held_c.empty());
  for (size_t k = 1; k < steps.size(); ++k)
    for (uint32_t id : {0u, 2u})
      (id == 0 ? a : c)->send(fx.srv, trace{1, id, 1, false, {steps[k]},
                                            pack(MatrixXd::Constant(2, 1, value(id)))});
  for (uint32_t id : {0u, 2u})
    (id == 0 ? a : c)->send(fx.srv, model{1, id, 1, pack(MatrixXd::Constant(2, 1, 3.5)), {}});
  const auto end = fx.end();
  CHECK(end.reason == "none");
  REQUIRE(end.rec().complete);
  const auto& traj = end.rec().trajectory;
  CHECK(traj[fx.records.index_of(steps[0])] == f_at(3.0));         // the chain's
  CHECK(traj[fx.records.index_of(steps[1])] == f_at(3.5));         // the star's, without b
  CHECK(traj[fx.records.index_of(steps.back())] == f_at(3.5));
  CHECK(end.rec().round_workers() == std::vector<uint32_t>{3, 2});
}
