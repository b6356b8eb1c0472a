// Input quoted in an error line: control characters escaped, length bounded.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lsgd {

/// The longest quote of input in an error line, unless a caller asks for less.
constexpr size_t max_quoted = 200;

/// `text` as it may appear in a one-line message: control characters
/// (C0, DEL, C1) and bytes that are not UTF-8 written as \xNN (\n, \r, \t as
/// such), and cut to about `max` characters with "... (N bytes)" after a cut.
/// A file's bytes can then not move the cursor, recolour or retitle a
/// terminal, nor make a message megabytes long.
std::string printable(std::string_view text, size_t max = max_quoted);

} // namespace lsgd
