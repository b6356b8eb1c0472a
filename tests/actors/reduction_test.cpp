// The round reductions: sums in worker-id order whatever order the blocks
// arrive in, and trace chunks handed out in order once complete.
#include "actors/block_sum.hpp"
#include "actors/trace_chunks.hpp"
#include "numerics/averaging.hpp"
#include "tests/numerics/sum_order.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <random>

using namespace lsgd;
using namespace lsgd::test;
using Eigen::Index;
using Eigen::MatrixXd;

namespace {

// A block's columns as its message lays them out.
param_bytes block_bytes(const MatrixXd& all, Index groups, Index N, Index w, Index count) {
  return pack(block_of(all, groups, N, w, count));
}

} // namespace

TEST_CASE("block_sum: blocks in any order give average_column_groups' bits, lost ones excluded") {
  const Index rows = 5, groups = 3, N = 7;
  const auto all = awkward(rows, groups * N, 3);
  MatrixXd expected(rows, groups);
  average_column_groups(all, N, expected);
  const std::vector<block_sum::slot> slots{{0, 2}, {2, 1}, {3, 4}};
  for (const auto& order : std::vector<std::vector<int>>{{0, 1, 2}, {2, 1, 0}, {1, 2, 0}}) {
    block_sum s(rows, groups, N, slots);
    for (int i : order) {
      CHECK(!s.done());
      s.give(slots[i].first, block_bytes(all, groups, N, slots[i].first, slots[i].count));
    }
    REQUIRE(s.done());
    MatrixXd got(rows, groups);
    REQUIRE(s.average(got));
    CHECK(same_bits(got, expected));
  }
  // Ids 2 .. 6 lost: block {2} withdrawn, block {3..6} not taking part.
  std::vector<bool> included{true, true, false, false, false, false, false};
  average_column_groups_where(all, included, expected);
  block_sum s(rows, groups, N, {{0, 2}, {2, 1}, {3, 4, false}});
  s.withdraw(2);
  CHECK(!s.done());
  s.give(0, block_bytes(all, groups, N, 0, 2));
  REQUIRE(s.done());
  MatrixXd got(rows, groups);
  REQUIRE(s.average(got));
  CHECK(same_bits(got, expected));
  CHECK(s.added() == 2);
}

TEST_CASE("block_sum: ids no block owns take no part, a second give is refused") {
  block_sum s(1, 1, 4, {{1, 2}});
  CHECK(!s.awaits(0));
  CHECK(s.awaits(1));
  s.give(1, pack(MatrixXd::Constant(1, 2, 3.0)));
  CHECK(s.done());
  CHECK_THROWS(s.give(1, pack(MatrixXd::Constant(1, 2, 3.0))));
  MatrixXd got(1, 1);
  REQUIRE(s.average(got));
  CHECK(got(0, 0) == 3.0);
  block_sum none(1, 1, 2, {{0, 2}});
  none.withdraw(0);
  CHECK(none.done());
  CHECK(!none.average(got));
}

TEST_CASE("trace_chunks: 5 steps in chunks of 2, two blocks, complete in order, a lost block") {
  const Index d = 2, reps = 2, N = 3;
  trace_chunks t;
  t.open({10, 20, 30, 40, 50}, 2, d, reps, N, {{0, 1}, {1, 2}});
  REQUIRE(t.chunks() == 3);
  CHECK(t.steps_of(2) == std::vector<uint64_t>{50});
  // Block {1, 2} runs ahead: its chunks 0 and 1 wait for block {0}.
  const auto all = awkward(d, 2 * reps * N, 5);
  t.give(1, false, block_bytes(all, 2 * reps, N, 1, 2));
  t.give(1, false, block_bytes(all.leftCols(2 * reps * N), 2 * reps, N, 1, 2));
  CHECK(t.owed_by(1) == 2);
  CHECK(!t.take());
  t.give(0, false, block_bytes(all, 2 * reps, N, 0, 1));
  auto c0 = t.take();
  REQUIRE(c0);
  CHECK(c0->index == 0);
  MatrixXd expected(d, 2 * reps);
  average_column_groups(all, N, expected);
  CHECK(same_bits(c0->means, expected));
  CHECK(!t.take()); // chunk 1 still owed by block {0}
  // Block {0} is lost: chunks 1 and 2 average block {1, 2} alone.
  t.withdraw(0);
  auto c1 = t.take();
  REQUIRE(c1);
  CHECK(c1->index == 1);
  CHECK(!c1->none_added);
  CHECK(!t.take());
  t.give(1, false, pack(MatrixXd::Constant(d, reps * 2, 4.0)));
  auto c2 = t.take();
  REQUIRE(c2);
  CHECK(c2->means.cols() == reps);
  CHECK(c2->means(1, 1) == 4.0);
  CHECK(t.finished());
  CHECK(t.owed_by(1) == 3);
  CHECK_THROWS(t.give(1, false, pack(MatrixXd::Ones(d, 2))));
}

TEST_CASE("trace_chunks: a block of every worker sends averages, a round without recorded steps") {
  trace_chunks t;
  t.open({7}, 4, 1, 1, 2, {{0, 2}});
  t.give(0, true, pack(MatrixXd::Constant(1, 1, 0.5)));
  auto c = t.take();
  REQUIRE(c);
  CHECK(c->means(0, 0) == 0.5);
  t.open({}, 4, 1, 1, 2, {{0, 2}});
  CHECK(t.chunks() == 0);
  CHECK(t.finished());
  CHECK(!t.take());
}
