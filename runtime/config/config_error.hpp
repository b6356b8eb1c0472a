// The error every config problem is reported with: one line naming the
// file, line and key.
#pragma once

#include <stdexcept>

namespace lsgd {

/// A bad configuration; what() is one line naming the file, line and key.
class config_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

} // namespace lsgd
