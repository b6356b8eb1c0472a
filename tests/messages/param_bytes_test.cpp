#include "messages/protocol.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace lsgd;

namespace {

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}

// Serializes with CAF's binary format, as the network layer does.
template <class T>
T round_trip(caf::actor_system& sys, T x) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  REQUIRE(!sink(x));
  T y;
  caf::binary_deserializer source{sys, buf};
  REQUIRE(!source(y));
  return y;
}

// The values CAF's per-double serialization loses or hangs on.
Eigen::MatrixXd awkward_values() {
  Eigen::MatrixXd m(3, 2); // filled row by row
  m << -0.0, std::numeric_limits<double>::quiet_NaN(), 5e-324,
    std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(), 1.0 / 3;
  return m;
}

} // namespace

TEST_CASE("param_bytes keep every bit, including -0.0, NaN, Inf and denormals") {
  const auto m = awkward_values();
  const auto packed = pack(m);
  CHECK(packed.size() == 6);
  Eigen::MatrixXd back;
  REQUIRE(!unpack(packed, 3, 2, back));
  for (Eigen::Index i = 0; i < m.size(); ++i)
    CHECK(same_bits(back.data()[i], m.data()[i]));
}

TEST_CASE("param_bytes reject a wrong length") {
  const auto packed = pack(Eigen::MatrixXd::Ones(2, 2));
  Eigen::MatrixXd out;
  auto err = unpack(packed, 3, 2, out);
  REQUIRE(err);
  CHECK(err->find("expected 48") != std::string::npos);
  CHECK(unpack(packed, 2, 2, out) == std::nullopt);
  CHECK(out(1, 1) == 1);
}

TEST_CASE("protocol messages survive CAF's binary serialization unchanged") {
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::lsgd>();
  caf::actor_system sys{cfg};
  const auto e = round_trip(sys, epoch{3, 20, 14, 28, true});
  CHECK(e.report_streams);
  CHECK(e.round == 3);
  CHECK(e.rounds == 20);
  CHECK(e.first_step == 14);
  CHECK(e.last_step == 28);
  const auto m = round_trip(sys, model{2, 5, 2, pack(awkward_values()), {7, uint64_t{1} << 60}});
  CHECK(m.positions == std::vector<uint64_t>{7, uint64_t{1} << 60});
  CHECK(m.round == 2);
  CHECK(m.first_worker == 5);
  CHECK(m.workers == 2);
  Eigen::MatrixXd back;
  REQUIRE(!unpack(m.values, 3, 2, back));
  CHECK(same_bits(back(0, 0), -0.0));
  CHECK(std::isnan(back(0, 1)));
  CHECK(same_bits(back(1, 0), 5e-324));
  CHECK(back(1, 1) == std::numeric_limits<double>::infinity());
  CHECK(back(2, 0) == -std::numeric_limits<double>::infinity());
  const auto t
    = round_trip(sys, trace{1, 0, 1, true, {3, 6}, pack(Eigen::MatrixXd::Ones(1, 2))});
  CHECK(t.steps == std::vector<uint64_t>{3, 6});
  CHECK(t.averaged);
  CHECK(t.snapshots.size() == 2);
}

TEST_CASE("param_bytes travel as a std::vector<char> of their bytes does") {
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::lsgd>();
  caf::actor_system sys{cfg};
  auto packed = pack(awkward_values());
  std::vector<char> plain(packed.bytes.begin(), packed.bytes.end());
  std::vector<char> a, b;
  caf::binary_serializer sink_a{sys, a}, sink_b{sys, b};
  REQUIRE(!sink_a(packed));
  REQUIRE(!sink_b(plain));
  CHECK(a == b); // checkpoints and peers of earlier builds read the same
  param_bytes back;
  caf::binary_deserializer source{sys, b};
  REQUIRE(!source(back));
  CHECK(back.bytes == packed.bytes);
  CHECK(source.remaining() == 0);
}

TEST_CASE("param_bytes refuse a length past the end of the message before sizing for it") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  // A varbyte length of 2^31 - 1 bytes followed by 8 bytes: garbage from a peer.
  std::vector<char> buf{char(0xff), char(0xff), char(0xff), char(0xff), 0x07};
  buf.resize(buf.size() + 8, 'x');
  param_bytes x;
  caf::binary_deserializer source{sys, buf};
  CHECK(source(x)); // an error
  CHECK(x.bytes.empty());
  CHECK(x.bytes.capacity() == 0); // nothing was allocated for it
}
