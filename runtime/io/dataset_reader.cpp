#include "runtime/io/dataset_reader.hpp"

#include "runtime/io/printable.hpp"
#include "runtime/io/regular_file.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>
#include <sstream>

namespace lsgd {

namespace {

// At most this many numbers are stored (dense): 2 GB.
constexpr uint64_t max_entries = uint64_t{1} << 28;

// A field or name of the file in a message: escaped and cut short.
std::string quote(std::string_view s) {
  return "\"" + printable(s, 40) + "\"";
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos)
    return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

std::string show(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// A decimal number; a leading '+' is allowed (LIBSVM labels write "+1").
std::optional<double> parse_number(std::string_view s) {
  if (!s.empty() && s.front() == '+')
    s.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    return std::nullopt;
  return v;
}

// Reports errors at one place of one file.
struct location {
  const std::string& file;
  size_t line = 0;

  [[noreturn]] void fail(const std::string& reason) const {
    throw dataset_error(printable(file) + (line ? ":" + std::to_string(line) : "") + ": " + reason);
  }
};

// Maps labels to what the task needs: the value itself (real) or a class
// index, checking each against the task.
class label_mapper {
public:
  explicit label_mapper(const dataset_format& f) : f_(f) {
  }

  double map(double v, const location& at) {
    if (!std::isfinite(v))
      at.fail("label " + show(v) + " is not a finite number");
    if (f_.labels == label_kind::real)
      return v;
    if (!f_.label_values.empty()) {
      const auto it = std::find(f_.label_values.begin(), f_.label_values.end(), v);
      if (it == f_.label_values.end())
        at.fail("label " + show(v) + " is not one of the labels (" + listed() + ")");
      return static_cast<double>(it - f_.label_values.begin());
    }
    if (f_.labels == label_kind::binary) {
      if (v != 0 && v != 1 && v != -1)
        at.fail("label " + show(v) + " does not fit a binary task (expected 0 or 1, or -1 "
                "or +1; set labels = [a, b] for other values)");
      if (v != 1) {
        if ((v == 0 && seen_minus_one_) || (v == -1 && seen_zero_))
          at.fail("label " + show(v) + ", but an earlier row has label "
                  + (v == 0 ? "-1" : "0") + " (binary labels are 0/1 or -1/+1)");
        (v == 0 ? seen_zero_ : seen_minus_one_) = true;
      }
      return v == 1 ? 1.0 : 0.0;
    }
    if (v < 0 || v != std::floor(v) || v >= 1e6)
      at.fail("label " + show(v) + " is not a class index (expected 0, 1, 2, ...; set "
              "labels = [...] to name the classes)");
    largest_ = std::max(largest_, v);
    return v;
  }

  // The number of classes (0 for real labels).
  int classes(const location& at) const {
    if (f_.labels == label_kind::real)
      return 0;
    if (f_.labels == label_kind::binary)
      return 2;
    if (!f_.label_values.empty())
      return static_cast<int>(f_.label_values.size());
    if (largest_ < 1)
      at.fail("every label is 0: a classification task needs two or more classes");
    return static_cast<int>(largest_) + 1;
  }

private:
  std::string listed() const {
    std::string out;
    for (double v : f_.label_values)
      out += (out.empty() ? "" : ", ") + show(v);
    return out;
  }

  const dataset_format& f_;
  bool seen_zero_ = false;
  bool seen_minus_one_ = false;
  double largest_ = 0;
};

// Splits one CSV line into fields; a field may be quoted ("a, b" with "" for
// a quote inside).
std::vector<std::string> split_csv(std::string_view line, const location& at) {
  std::vector<std::string> out;
  size_t i = 0;
  while (true) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    std::string field;
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size())
          at.fail("unterminated quote in field " + std::to_string(out.size() + 1));
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += line[i++];
      }
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
        ++i;
      if (i < line.size() && line[i] != ',')
        at.fail("text after the closing quote of field " + std::to_string(out.size() + 1));
    } else {
      const auto comma = line.find(',', i);
      const auto end = comma == std::string_view::npos ? line.size() : comma;
      field = std::string(trim(line.substr(i, end - i)));
      i = end;
    }
    out.push_back(std::move(field));
    if (i >= line.size())
      return out;
    ++i; // the comma
  }
}

struct line_reader {
  const std::string& text;
  size_t pos = 0;
  size_t number = 0;

  // The next line that is not blank, without its end of line.
  bool next(std::string_view& line) {
    while (pos < text.size()) {
      const auto end = text.find('\n', pos);
      const auto stop = end == std::string::npos ? text.size() : end;
      line = std::string_view(text).substr(pos, stop - pos);
      pos = stop + 1;
      ++number;
      if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
      if (!trim(line).empty())
        return true;
    }
    return false;
  }
};

dataset parse_csv(const std::string& text, const std::string& file, const dataset_format& f) {
  line_reader lines{text};
  location at{file};
  label_mapper labels(f);
  std::vector<std::string> names;
  std::string_view line;
  size_t columns = 0, first_line = 0;
  if (f.header) {
    if (!lines.next(line))
      location{file}.fail("empty file: no header and no data rows");
    at.line = lines.number;
    names = split_csv(line, at);
    columns = names.size();
    first_line = lines.number;
  }
  std::vector<double> values; // row-major: the features of each row in turn
  std::vector<double> ys;
  size_t label = 0;
  auto column_name = [&](size_t c) {
    return c < names.size() && !names[c].empty() ? " (" + quote(names[c]) + ")" : "";
  };
  auto resolve_label = [&] {
    if (!f.label_name.empty()) {
      if (!f.header)
        at.fail("label_column " + quote(f.label_name) + " names a column but the file has "
                "no header (set header = true or give the column's index)");
      const auto it = std::find(names.begin(), names.end(), f.label_name);
      if (it == names.end())
        location{file, first_line}.fail("no column named " + quote(f.label_name)
                                        + " in the header");
      label = static_cast<size_t>(it - names.begin());
      return;
    }
    const auto n = static_cast<int64_t>(columns);
    const int64_t idx = f.label_index < 0 ? n + f.label_index : f.label_index;
    if (idx < 0 || idx >= n)
      at.fail("label_column " + std::to_string(f.label_index) + " is outside the "
              + std::to_string(columns) + " columns");
    label = static_cast<size_t>(idx);
  };
  if (f.header)
    resolve_label();
  while (lines.next(line)) {
    at.line = lines.number;
    const auto fields = split_csv(line, at);
    if (columns == 0) {
      columns = fields.size();
      first_line = lines.number;
      resolve_label();
    }
    if (columns < 2)
      at.fail("one column only: a data row needs features and a label (is the file "
              "comma-separated?)");
    if (fields.size() != columns)
      at.fail("ragged row: " + std::to_string(fields.size()) + " fields, expected "
              + std::to_string(columns) + " (as in line " + std::to_string(first_line) + ")");
    for (size_t c = 0; c < columns; ++c) {
      const auto& s = fields[c];
      if (s.empty())
        at.fail("column " + std::to_string(c + 1) + column_name(c)
                + ": empty field (missing values are not supported)");
      const auto v = parse_number(s);
      if (!v)
        at.fail("column " + std::to_string(c + 1) + column_name(c) + ": " + quote(s)
                + " is not a number"
                + (!f.header && ys.empty() ? " (a header row? set header = true)" : ""));
      if (c == label) {
        ys.push_back(labels.map(*v, at));
      } else {
        if (!std::isfinite(*v))
          at.fail("column " + std::to_string(c + 1) + column_name(c) + ": " + quote(s)
                  + " is not a finite number");
        values.push_back(*v);
      }
    }
    if (values.size() > max_entries)
      at.fail("too many numbers to keep in memory");
  }
  if (ys.empty())
    location{file}.fail("no data rows");
  dataset out;
  const auto p = static_cast<Eigen::Index>(columns - 1);
  const auto n = static_cast<Eigen::Index>(ys.size());
  out.features = Eigen::Map<const matrix>(values.data(), p, n);
  out.labels = Eigen::Map<const vector>(ys.data(), n);
  out.classes = labels.classes(location{file});
  return out;
}

dataset parse_libsvm(const std::string& text, const std::string& file,
                     const dataset_format& f) {
  line_reader lines{text};
  location at{file};
  label_mapper labels(f);
  struct entry {
    uint64_t row, index;
    double value;
  };
  std::vector<entry> entries;
  std::vector<double> ys;
  uint64_t features = 0;
  std::string_view line;
  while (lines.next(line)) {
    at.line = lines.number;
    line = line.substr(0, line.find('#'));
    std::istringstream tokens{std::string(line)};
    std::string token;
    if (!(tokens >> token))
      continue; // a comment line
    const auto y = parse_number(token);
    if (!y)
      at.fail("the label " + quote(token) + " is not a number");
    ys.push_back(labels.map(*y, at));
    uint64_t previous = 0;
    while (tokens >> token) {
      const auto colon = token.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == token.size())
        at.fail(quote(token) + " is not index:value");
      const std::string_view key(token.data(), colon);
      const std::string_view val(token.data() + colon + 1, token.size() - colon - 1);
      if (key == "qid")
        continue;
      uint64_t index = 0;
      const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
      if (ec != std::errc() || end != key.data() + key.size())
        at.fail(quote(token) + ": the feature index is not a positive integer");
      if (index == 0)
        at.fail(quote(token) + ": feature indices start at 1");
      if (index <= previous)
        at.fail(quote(token) + ": feature index " + std::to_string(index) + " after "
                + std::to_string(previous) + " (indices must increase)");
      previous = index;
      const auto v = parse_number(val);
      if (!v || !std::isfinite(*v))
        at.fail(quote(token) + ": the value is not a finite number");
      features = std::max(features, index);
      entries.push_back({ys.size() - 1, index - 1, *v});
    }
  }
  if (ys.empty())
    location{file}.fail("no data rows");
  if (features == 0)
    location{file}.fail("no features: every row has only a label");
  if (features * ys.size() > max_entries)
    location{file}.fail("too large to keep dense in memory (" + std::to_string(ys.size())
                        + " rows x " + std::to_string(features) + " features)");
  dataset out;
  out.features = matrix::Zero(static_cast<Eigen::Index>(features),
                              static_cast<Eigen::Index>(ys.size()));
  for (const auto& e : entries)
    out.features(static_cast<Eigen::Index>(e.index), static_cast<Eigen::Index>(e.row)) = e.value;
  out.labels = Eigen::Map<const vector>(ys.data(), static_cast<Eigen::Index>(ys.size()));
  out.classes = labels.classes(location{file});
  return out;
}

} // namespace

std::string read_data_file(const std::string& file) {
  try {
    return read_regular_file(file, file_limits::data, "the data file");
  } catch (const file_error& e) {
    throw dataset_error(e.what());
  }
}

dataset parse_dataset(const std::string& text, const std::string& file,
                      const dataset_format& format) {
  if (format.format == "csv")
    return parse_csv(text, file, format);
  if (format.format == "libsvm")
    return parse_libsvm(text, file, format);
  throw dataset_error(printable(file) + ": unknown format \"" + printable(format.format) + "\"");
}

} // namespace lsgd
