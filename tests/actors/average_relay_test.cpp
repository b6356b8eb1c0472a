// The relayed broadcast of a chain round's averages (actors/average_relay):
// chunks from the server to the first block and on along the chain arrive
// bit-exact, early chunks wait for the route, and what does not fit the route
// (sender, shape, a chunk twice, a round that is not relayed) is refused;
// chunks that overtook each other are placed by their rows.
#include "actors/average_relay.hpp"
#include "messages/param_bytes.hpp"
#include "tests/actors/fixture.hpp"
#include "tests/numerics/sum_order.hpp"

using namespace lsgd;
using namespace lsgd::test;
using Eigen::Index;
using Eigen::MatrixXd;

using actors = threaded_system;

namespace {

// The chunks the server sends of `averages`, as server.cpp cuts them.
std::vector<average_chunk> chunks_of(const MatrixXd& averages, uint32_t round,
                                     uint64_t chunk_bytes) {
  std::vector<average_chunk> out;
  for (const auto& c : chain_chunks(averages.rows(), averages.cols(),
                                    static_cast<Index>(chunk_bytes)))
    out.push_back({round, static_cast<uint64_t>(c.first), static_cast<uint64_t>(c.rows),
                   static_cast<uint32_t>(averages.cols()),
                   pack(averages.middleRows(c.first, c.rows))});
  return out;
}

} // namespace

TEST_CASE("average_relay: the server's chunks pass three blocks and arrive bit-exact, "
          "early ones wait for the route") {
  const Index rows = 37, groups = 3;
  const auto averages = awkward(rows, groups, 5);
  const uint64_t limit = 5 * groups * sizeof(double); // 5 rows a chunk: 8 chunks
  actors env;
  caf::scoped_actor server{*env.sys}, a{*env.sys}, b{*env.sys}, c{*env.sys};
  average_relay ra(rows, groups), rb(rows, groups), rc(rows, groups);
  REQUIRE(!ra.route({4, {}, caf::actor{b}, 0, limit, true}, server->address()));
  CHECK(ra.round() == 4);
  CHECK(!ra.complete());
  const auto sent = chunks_of(averages, 4, limit);
  REQUIRE(sent.size() == 8);
  std::vector<average_chunk> from_a;
  for (const auto& x : sent) { // one at a time: each goes on as it arrives
    REQUIRE(!ra.receive(x, server->address()));
    const auto out = ra.take();
    REQUIRE(out.size() == 1);
    CHECK(out.front().first_row == x.first_row);
    from_a.push_back(out.front());
  }
  REQUIRE(ra.complete());
  CHECK(same_bits(ra.averages(), averages));
  // A's chunks reach B before B's route: B keeps them for it.
  for (const auto& x : from_a)
    REQUIRE(!rb.receive(x, a->address()));
  CHECK(!rb.complete());
  CHECK(rb.take().empty());
  REQUIRE(!rb.route({4, caf::actor{a}, caf::actor{c}, 2, limit, true}, server->address()));
  REQUIRE(rb.complete());
  const auto from_b = rb.take();
  REQUIRE(from_b.size() == 8);
  REQUIRE(!rc.route({4, caf::actor{b}, {}, 3, limit, true}, server->address()));
  for (const auto& x : from_b)
    REQUIRE(!rc.receive(x, b->address()));
  CHECK(rc.take().empty()); // the last block passes nothing on
  REQUIRE(rc.complete());
  CHECK(same_bits(rb.averages(), averages));
  CHECK(same_bits(rc.averages(), averages));
  // The next round's averages replace them.
  const MatrixXd next = MatrixXd::Constant(rows, groups, -0.0);
  REQUIRE(!rc.route({5, caf::actor{b}, {}, 3, limit, true}, server->address()));
  CHECK(!rc.complete());
  for (const auto& x : chunks_of(next, 5, limit))
    REQUIRE(!rc.receive(x, b->address()));
  REQUIRE(rc.complete());
  CHECK(same_bits(rc.averages(), next));
}

TEST_CASE("average_relay: chunks from the wrong sender, out of place, twice, of the wrong "
          "shape, of an old, abandoned or unrelayed round, in any order") {
  const Index rows = 4, groups = 2;
  const auto averages = awkward(rows, groups, 7);
  const uint64_t limit = 2 * groups * sizeof(double); // 2 rows a chunk
  actors env;
  caf::scoped_actor server{*env.sys}, a{*env.sys}, stranger{*env.sys};
  const auto sent = chunks_of(averages, 2, limit);
  REQUIRE(sent.size() == 2);

  average_relay first(rows, groups);
  CHECK(first.route({2, {}, {}, 0, 0, true}, server->address())); // empty chunks
  REQUIRE(!first.route({2, {}, caf::actor{a}, 0, limit, true}, server->address()));
  CHECK(first.receive(sent[0], stranger->address())); // not the server
  auto misaligned = sent[1];
  misaligned.first_row = 1;
  CHECK(first.receive(misaligned, server->address())); // not one of the route's chunks
  auto short_chunk = sent[0];
  short_chunk.values.bytes.pop_back();
  CHECK(first.receive(short_chunk, server->address())); // bytes do not fit the rows
  auto narrow = sent[0];
  narrow.groups = 1;
  CHECK(first.receive(narrow, server->address())); // not every repetition
  auto old = sent[0];
  old.round = 1;
  CHECK(!first.receive(old, server->address())); // dropped
  CHECK(first.take().empty());
  REQUIRE(!first.receive(sent[1], server->address())); // it overtook chunk 0
  CHECK(first.receive(sent[1], server->address()));  // again
  CHECK(!first.complete());
  REQUIRE(!first.receive(sent[0], server->address()));
  CHECK(first.complete());
  CHECK(same_bits(first.averages(), averages));
  const auto passed = first.take(); // in the order they came
  REQUIRE(passed.size() == 2);
  CHECK(passed[0].first_row == 2);
  CHECK(passed[1].first_row == 0);

  // The second block: from A, not from the server.
  average_relay second(rows, groups);
  REQUIRE(!second.route({2, caf::actor{a}, {}, 1, limit, true}, server->address()));
  CHECK(second.receive(sent[0], server->address()));
  REQUIRE(!second.receive(sent[0], a->address()));
  second.abandon(); // the server sent the averages directly after a loss
  CHECK(second.round() == 0);
  CHECK(!second.complete());
  CHECK(!second.receive(sent[1], a->address())); // dropped
  CHECK(second.take().empty());

  // A round whose route does not relay takes no chunks.
  average_relay plain(rows, groups);
  REQUIRE(!plain.route({3, {}, {}, 0, limit, false}, server->address()));
  auto third = sent[0];
  third.round = 3;
  CHECK(plain.receive(third, server->address()));

  // Early chunks are bounded: a chunk holds a row at least.
  average_relay flooded(rows, groups);
  auto early = sent[0];
  early.round = 9;
  for (Index k = 0; k < rows; ++k)
    REQUIRE(!flooded.receive(early, a->address()));
  CHECK(flooded.receive(early, a->address()));
}
