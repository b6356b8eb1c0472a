// The chain reduction's links: running sums continued node after node, in
// chunks of rows, give the star's (average_column_groups') bits.
#include "numerics/averaging.hpp"
#include "numerics/chain_sum.hpp"
#include "tests/numerics/sum_order.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>

using namespace lsgd;
using namespace lsgd::test;
using Eigen::Index;
using Eigen::MatrixXd;

namespace {

struct node {
  uint32_t first, count;
  bool taking_part = true;
};

// The chain over `links` in order, chunk by chunk; the averages (rows x groups).
MatrixXd chain(const MatrixXd& all, Index groups, uint32_t N, const std::vector<node>& links,
               Index max_bytes) {
  const Index rows = all.rows();
  MatrixXd out(rows, groups);
  for (const auto& chunk : chain_chunks(rows, groups, max_bytes)) {
    chain_partial s;
    for (const auto& l : links)
      s = chain_continue(s, chunk, N, l.first, l.count,
                         block_of(all, groups, N, l.first, l.count), l.taking_part);
    MatrixXd part(chunk.rows, groups);
    REQUIRE(chain_average(s, N, part));
    out.middleRows(chunk.first, chunk.rows) = part;
  }
  return out;
}

} // namespace

TEST_CASE("chain_sum: chunks cover the rows in order within the byte bound") {
  const auto c = chain_chunks(1000, 3, 24 * 100);
  REQUIRE(c.size() == 10);
  for (size_t i = 0; i < c.size(); ++i) {
    CHECK(c[i].first == Index(i) * 100);
    CHECK(c[i].rows == 100);
  }
  const auto tail = chain_chunks(7, 2, 16 * 3);
  REQUIRE(tail.size() == 3);
  CHECK(tail[2].first == 6);
  CHECK(tail[2].rows == 1);
  CHECK(chain_chunks(5, 1000, 8).size() == 5); // a row never splits
  CHECK(chain_chunks(0, 3).empty());
}

TEST_CASE("chain_sum: a chain of nodes in chunks gives average_column_groups' bits") {
  const Index rows = 37, groups = 3;
  const uint32_t N = 7;
  const auto all = awkward(rows, groups * N, 11);
  MatrixXd expected(rows, groups);
  average_column_groups(all, N, expected);
  const std::vector<node> links{{0, 2}, {2, 1}, {3, 4}};
  for (Index max_bytes : {Index(8), Index(24 * 5), Index(24 * 37), chain_chunk_bytes})
    CHECK(same_bits(chain(all, groups, N, links, max_bytes), expected));
  // One node hosting every id is the star's sum too.
  CHECK(same_bits(chain(all, groups, N, {{0, N}}, 24 * 4), expected));
}

TEST_CASE("chain_sum: a lost node's ids are excluded, the first one included") {
  const Index rows = 9, groups = 2;
  const uint32_t N = 6;
  const auto all = awkward(rows, groups * N, 5);
  // The star's average over ids 2..5 (block 0 lost): the sum restarted at id 2.
  const MatrixXd survivors = [&] {
    MatrixXd kept(rows, groups * 4);
    for (Index g = 0; g < groups; ++g)
      kept.middleCols(g * 4, 4) = all.middleCols(g * N + 2, 4);
    MatrixXd avg(rows, groups);
    average_column_groups(kept, 4, avg);
    return avg;
  }();
  CHECK(same_bits(chain(all, groups, N, {{0, 2, false}, {2, 3}, {5, 1}}, 16 * 4), survivors));

  // Every node lost: no average.
  chain_partial s;
  const row_chunk whole{0, rows};
  s = chain_continue(s, whole, N, 0, 6, block_of(all, groups, N, 0, 6), false);
  MatrixXd out(rows, groups);
  CHECK(!chain_average(s, N, out));
}

TEST_CASE("chain_sum: a running sum that does not end where the block starts is refused") {
  const auto all = awkward(4, 2, 1);
  chain_partial s;
  const row_chunk whole{0, 4};
  CHECK_THROWS(chain_continue(s, whole, 2, 1, 1, all.leftCols(1), true));
  s = chain_continue(s, whole, 2, 0, 1, all.leftCols(1), true);
  CHECK_THROWS(chain_continue(s, whole, 2, 0, 1, all.leftCols(1), true));
  MatrixXd out(4, 1);
  CHECK_THROWS(chain_average(s, 2, out)); // id 1 still owed
}

TEST_CASE("chain_sum: a sum continued where it lies, as a link passes its buffer on") {
  const Index rows = 23, groups = 2;
  const uint32_t N = 5;
  const auto all = awkward(rows, groups * N, 3);
  MatrixXd expected(rows, groups);
  average_column_groups(all, N, expected);
  const std::vector<node> links{{0, 1}, {1, 3}, {4, 1}};
  MatrixXd out(rows, groups);
  for (const auto& chunk : chain_chunks(rows, groups, 16 * 6)) {
    // Garbage at first: a buffer sized but never written (nothing added yet).
    std::vector<double> sum(static_cast<size_t>(chunk.rows * groups), 12345.0);
    chain_tally t;
    for (const auto& l : links)
      t = chain_continue(t, sum.data(), chunk, N, l.first, l.count,
                         block_of(all, groups, N, l.first, l.count));
    CHECK(t.next == N);
    CHECK(t.added == N);
    REQUIRE(chain_average(sum.data(), t, N, out.middleRows(chunk.first, chunk.rows)));
  }
  CHECK(same_bits(out, expected));
  std::vector<double> sum(static_cast<size_t>(rows * groups));
  CHECK_THROWS(chain_continue({0, 0}, sum.data(), {0, rows}, N, 0, 6, all)); // ids past N
  CHECK_THROWS(chain_continue({2, 3}, sum.data(), {0, rows}, N, 2, 1, all)); // added > next
}
