#include "runtime/io/printable.hpp"

#include <cstdint>
#include <cstdio>

namespace lsgd {

namespace {

// The length of the UTF-8 sequence at s[i] if it is a printable character
// (well formed, shortest form, not a surrogate, not a C1 control), else 0.
size_t printable_sequence(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c >= 0x20 && c < 0x7f)
    return 1;
  const size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
                   : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n == 0 || i + n > s.size())
    return 0;
  uint32_t code = c & (0x7f >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80)
      return 0;
    code = code << 6 | (byte(i + k) & 0x3f);
  }
  const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < least[n] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)
      || (code >= 0x80 && code <= 0x9f))
    return 0;
  return n;
}

} // namespace

std::string printable(std::string_view text, size_t max) {
  std::string out;
  size_t i = 0;
  while (i < text.size() && out.size() < max) {
    if (const auto n = printable_sequence(text, i)) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    const char c = text[i++];
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else {
      char buf[5];
      std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned char>(c));
      out += buf;
    }
  }
  if (i < text.size())
    out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

} // namespace lsgd
