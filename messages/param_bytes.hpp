// Parameter vectors as raw bytes with a declared layout.
#pragma once

#include <Eigen/Core>

#include <caf/deserializer.hpp>
#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/serializer.hpp>

#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace lsgd {

/// std::allocator, except that resize() leaves new elements uninitialized:
/// a model's bytes are always written (received, packed or summed) right
/// after they are sized, and zero-filling them first would cost a pass over
/// every byte of every message.
template <class T>
struct uninitialized_allocator {
  using value_type = T;
  uninitialized_allocator() = default;
  template <class U>
  uninitialized_allocator(const uninitialized_allocator<U>&) noexcept {
  }
  T* allocate(size_t n) {
    return std::allocator<T>{}.allocate(n);
  }
  void deallocate(T* p, size_t n) noexcept {
    std::allocator<T>{}.deallocate(p, n);
  }
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible<U>::value) {
    ::new (static_cast<void*>(p)) U; // default-initialized: no value for a char
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  friend bool operator==(const uninitialized_allocator&, const uninitialized_allocator&) {
    return true;
  }
  friend bool operator!=(const uninitialized_allocator&, const uninitialized_allocator&) {
    return false;
  }
};

using byte_buffer = std::vector<char, uninitialized_allocator<char>>;

/// Doubles as little-endian IEEE-754 binary64, packed back to back. CAF
/// serializes bytes with one copy; its per-double serialization is slow,
/// loses NaN, -0.0 and denormals, and hangs on +Inf.
struct param_bytes {
  byte_buffer bytes;

  /// The number of doubles held.
  size_t size() const {
    return bytes.size() / sizeof(double);
  }
};

/// On the wire exactly a std::vector<char> of the same bytes (a length, then
/// the bytes), so checkpoints and peers of earlier builds still read.
caf::error inspect(caf::serializer& f, param_bytes& x);
/// Refuses a length longer than what is left of the message before it
/// allocates anything.
caf::error inspect(caf::deserializer& f, param_bytes& x);

/// Any other inspector (to_string, for logs): the size, not every byte.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, param_bytes& x) {
  static_assert(!std::is_base_of<caf::serializer, Inspector>::value
                  && !std::is_base_of<caf::deserializer, Inspector>::value,
                "param_bytes serialize through the overloads above");
  auto doubles = static_cast<uint64_t>(x.size());
  return f(caf::meta::type_name("lsgd.param_bytes"), doubles);
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
