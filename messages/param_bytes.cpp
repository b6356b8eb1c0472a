#include "messages/param_bytes.hpp"

#include <caf/binary_deserializer.hpp>
#include <caf/sec.hpp>

#include <cstring>

namespace lsgd {

// The layout is little-endian binary64; so is every platform we build on.
static_assert(sizeof(double) == 8, "binary64 doubles expected");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#  error "param_bytes assumes a little-endian host"
#endif

caf::error inspect(caf::serializer& f, param_bytes& x) {
  size_t n = x.bytes.size();
  return caf::error::eval([&] { return f.begin_sequence(n); },
                          [&] { return n > 0 ? f.apply_raw(n, x.bytes.data()) : caf::none; },
                          [&] { return f.end_sequence(); });
}

caf::error inspect(caf::deserializer& f, param_bytes& x) {
  size_t n = 0;
  if (auto err = f.begin_sequence(n))
    return err;
  // CAF reads messages with a binary_deserializer over the received payload:
  // a length past its end is garbage, whatever allocation it asks for.
  if (auto* in = dynamic_cast<caf::binary_deserializer*>(&f); in && n > in->remaining())
    return caf::sec::end_of_stream;
  x.bytes.resize(n);
  if (n > 0)
    if (auto err = f.apply_raw(n, x.bytes.data()))
      return err;
  return f.end_sequence();
}

param_bytes pack(const Eigen::Ref<const Eigen::MatrixXd>& values) {
  param_bytes out;
  append(out, values);
  return out;
}

void append(param_bytes& out, const Eigen::Ref<const Eigen::MatrixXd>& values) {
  // insert() copies without first zero-filling, as resize() would; a Ref may
  // have an outer stride, so column by column.
  out.bytes.reserve(out.bytes.size() + sizeof(double) * static_cast<size_t>(values.size()));
  const auto column_bytes = sizeof(double) * static_cast<size_t>(values.rows());
  for (Eigen::Index j = 0; j < values.cols(); ++j) {
    const auto* src = reinterpret_cast<const char*>(values.col(j).data());
    out.bytes.insert(out.bytes.end(), src, src + column_bytes);
  }
}

namespace {

std::optional<std::string> check_size(const param_bytes& in, Eigen::Index rows,
                                      Eigen::Index cols) {
  const auto expected = sizeof(double) * static_cast<size_t>(rows * cols);
  if (in.bytes.size() != expected)
    return "parameter block of " + std::to_string(in.bytes.size()) + " bytes, expected "
           + std::to_string(expected) + " (" + std::to_string(rows) + " x "
           + std::to_string(cols) + " doubles)";
  return std::nullopt;
}

} // namespace

std::optional<std::string> view(const param_bytes& in, Eigen::Index rows, Eigen::Index cols,
                                const double*& data) {
  if (auto err = check_size(in, rows, cols))
    return err;
  // operator new aligns the byte vector for any scalar type.
  data = reinterpret_cast<const double*>(in.bytes.data());
  return std::nullopt;
}

std::optional<std::string> unpack(const param_bytes& in, Eigen::Index rows,
                                  Eigen::Index cols, Eigen::MatrixXd& out) {
  if (auto err = check_size(in, rows, cols))
    return err;
  out.resize(rows, cols);
  if (!in.bytes.empty())
    std::memcpy(out.data(), in.bytes.data(), in.bytes.size());
  return std::nullopt;
}

} // namespace lsgd
