#include "runtime/config/toml_guard.hpp"

namespace lsgd {

std::optional<toml_text_problem> find_unsafe_text(std::string_view s) {
  enum class in { code, comment, basic, literal, ml_basic, ml_literal };
  auto state = in::code;
  int64_t line = 1;
  // Where a value may start (after '=', '[' or ',' in an array), and the
  // arrays ('[') and inline tables ('{') open there.
  bool value = false;
  std::string open;
  auto non_ascii = [&](size_t i) { return static_cast<unsigned char>(s[i]) >= 0x80; };
  auto blank = [&](size_t i) { return s[i] == ' ' || s[i] == '\t' || s[i] == '\r'; };
  auto problem = [&](const char* reason) { return toml_text_problem{line, reason}; };
  // toml++ asks whether an escaped character is whitespace (a line-ending
  // backslash) before it finds the escape invalid.
  const char* after_backslash = "a non-ASCII character after a backslash (not a TOML escape)";
  // The end of a multi-line string: three quotes, up to two more belong to it.
  auto closes = [&](size_t& i, char quote) {
    if (s.compare(i, 3, std::string(3, quote)) != 0)
      return false;
    size_t n = 3;
    while (n < 5 && i + n < s.size() && s[i + n] == quote)
      ++n;
    i += n - 1;
    return true;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\n') {
      ++line;
      if (state != in::ml_basic && state != in::ml_literal)
        state = in::code;
      if (open.empty())
        value = false;
      continue;
    }
    switch (state) {
      case in::code:
        if (non_ascii(i))
          return problem("a non-ASCII character outside a string or comment");
        if (c == '#') {
          state = in::comment;
        } else if (c == '"') {
          state = s.compare(i, 3, R"(""")") == 0 ? (i += 2, in::ml_basic) : in::basic;
          value = false;
        } else if (c == '\'') {
          state = s.compare(i, 3, "'''") == 0 ? (i += 2, in::ml_literal) : in::literal;
          value = false;
        } else if (c == '=') {
          value = true;
        } else if (value && (c == '[' || c == '{')) {
          open += c;
          value = c == '[';
        } else if (c == ',' || c == ']' || c == '}') {
          if (c != ',' && !open.empty() && open.back() == (c == ']' ? '[' : '{'))
            open.pop_back();
          value = c == ',' && !open.empty() && open.back() == '[';
        } else if (value && !blank(i)) {
          // A bare value (number, date, boolean): toml++ reads ahead to a value
          // terminator to tell which, through quotes too.
          const std::string_view terminators = "\n,]}#";
          for (; i < s.size() && !blank(i) && terminators.find(s[i]) == s.npos; ++i)
            if (non_ascii(i))
              return problem("a non-ASCII character in a value");
          --i;
          value = false;
        }
        break;
      case in::comment:
        break;
      case in::basic:
        if (c == '\\' && i + 1 < s.size() && non_ascii(i + 1))
          return problem(after_backslash);
        if (c == '\\' && i + 1 < s.size() && s[i + 1] != '\n')
          ++i; // an escape
        else if (c == '"')
          state = in::code;
        break;
      case in::literal:
        if (c == '\'')
          state = in::code;
        break;
      case in::ml_basic:
        if (c == '\\') {
          size_t j = i + 1;
          while (j < s.size() && blank(j))
            ++j;
          if (j < s.size() && s[j] == '\n') { // a line-ending backslash
            while (j < s.size() && (blank(j) || s[j] == '\n'))
              line += s[j++] == '\n';
            if (j < s.size() && non_ascii(j))
              return problem("a non-ASCII character right after a line-ending backslash "
                             "(toml++ 3.3 mishandles it)");
            i = j - 1;
          } else if (i + 1 < s.size()) {
            if (non_ascii(i + 1))
              return problem(after_backslash);
            ++i; // an escape
          }
        } else if (closes(i, '"')) {
          state = in::code;
        }
        break;
      case in::ml_literal:
        if (closes(i, '\''))
          state = in::code;
        break;
    }
  }
  return std::nullopt;
}

} // namespace lsgd
