// Parameter vectors as raw bytes with a declared layout.
#pragma once

#include <Eigen/Core>

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lsgd {

/// Doubles as little-endian IEEE-754 binary64, packed back to back. CAF
/// serializes a byte vector with one copy; its per-double serialization is
/// slow, loses NaN, -0.0 and denormals, and hangs on +Inf.
struct param_bytes {
  std::vector<char> bytes;

  /// The number of doubles held.
  size_t size() const {
    return bytes.size() / sizeof(double);
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, param_bytes& x) {
  return f(caf::meta::type_name("lsgd.param_bytes"), x.bytes);
}

/// Packs the coefficients of `values` (column-major for a matrix).
param_bytes pack(const Eigen::Ref<const Eigen::MatrixXd>& values);

/// Appends the coefficients of `values` to `out`.
void append(param_bytes& out, const Eigen::Ref<const Eigen::MatrixXd>& values);

/// A read-only view of `in` as a rows x cols matrix, or an error text if the
/// byte count does not match rows x cols doubles. Valid while `in` lives.
using param_view = Eigen::Map<const Eigen::MatrixXd>;
std::optional<std::string> view(const param_bytes& in, Eigen::Index rows, Eigen::Index cols,
                                const double*& data);

/// Unpacks `in` into `out` (resized to rows x cols); returns an error text if
/// the byte count does not match rows x cols doubles.
std::optional<std::string> unpack(const param_bytes& in, Eigen::Index rows,
                                  Eigen::Index cols, Eigen::MatrixXd& out);

} // namespace lsgd
