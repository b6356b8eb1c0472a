#include "runtime/config/toml_reader.hpp"

#include <sstream>

namespace lsgd {

namespace {

const toml::table empty_table;

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

} // namespace

std::string show(const toml::node& n) {
  std::ostringstream out;
  n.visit([&](auto&& v) { out << v; });
  auto text = out.str();
  return text.size() > 40 ? text.substr(0, 37) + "..." : text;
}

toml_reader::toml_reader(const toml::table& table, std::string file, std::string path)
  : table_(table), file_(std::move(file)), path_(std::move(path)) {
}

bool toml_reader::has(const std::string& key) const {
  return table_.contains(key);
}

const toml::node* toml_reader::node(const std::string& key) {
  used_.insert(key);
  return table_.get(key);
}

bool toml_reader::absent_with_fallback(const std::string& key, bool has_fallback) {
  if (has(key) || !has_fallback)
    return false;
  used_.insert(key);
  return true;
}

const toml::node& toml_reader::required(const std::string& key) {
  auto n = node(key);
  if (!n)
    fail(key, "missing (required)");
  return *n;
}

std::string toml_reader::where(const toml::node* n, const std::string& key) const {
  std::string out = file_;
  const auto* anchor = n ? n : static_cast<const toml::node*>(&table_);
  if (anchor->source().begin.line > 0)
    out += ":" + std::to_string(anchor->source().begin.line);
  out += ": ";
  out += path_.empty() ? key : path_ + "." + key;
  return out;
}

void toml_reader::fail(const std::string& key, const std::string& reason) const {
  throw config_error(where(table_.get(key), key) + ": " + reason);
}

std::string toml_reader::location(const std::string& key) const {
  return where(table_.get(key), key);
}

int64_t toml_reader::integer(const std::string& key, int64_t min, int64_t max,
                             std::optional<int64_t> fallback) {
  if (absent_with_fallback(key, fallback.has_value()))
    return *fallback;
  const auto& n = required(key);
  auto v = n.value_exact<int64_t>();
  if (!v)
    fail(key, "expected an integer, got " + type_name(n) + " (" + show(n) + ")");
  if (*v < min || *v > max)
    fail(key, "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got "
                + std::to_string(*v));
  return *v;
}

double toml_reader::number(const std::string& key, double min, bool min_inclusive,
                           std::optional<double> fallback) {
  if (absent_with_fallback(key, fallback.has_value()))
    return *fallback;
  const auto& n = required(key);
  if (!n.is_number())
    fail(key, "expected a number, got " + type_name(n) + " (" + show(n) + ")");
  const double v = *n.value<double>();
  if (!(min_inclusive ? v >= min : v > min) || !std::isfinite(v)) {
    std::ostringstream bound;
    bound << (min_inclusive ? "must be >= " : "must be > ") << min << ", got " << v;
    fail(key, bound.str());
  }
  return v;
}

std::string toml_reader::string(const std::string& key, std::optional<std::string> fallback) {
  if (absent_with_fallback(key, fallback.has_value()))
    return *fallback;
  const auto& n = required(key);
  auto v = n.value_exact<std::string>();
  if (!v)
    fail(key, "expected a string, got " + type_name(n) + " (" + show(n) + ")");
  return *v;
}

bool toml_reader::boolean(const std::string& key, std::optional<bool> fallback) {
  if (absent_with_fallback(key, fallback.has_value()))
    return *fallback;
  const auto& n = required(key);
  auto v = n.value_exact<bool>();
  if (!v)
    fail(key, "expected true or false, got " + type_name(n) + " (" + show(n) + ")");
  return *v;
}

std::vector<double> toml_reader::numbers(const std::string& key) {
  const auto& n = required(key);
  std::vector<double> out;
  if (n.is_number()) {
    out.push_back(*n.value<double>());
  } else if (auto arr = n.as_array()) {
    for (const auto& e : *arr) {
      if (!e.is_number())
        fail(key, "expected numbers, got " + type_name(e) + " (" + show(e) + ")");
      out.push_back(*e.value<double>());
    }
    if (out.empty())
      fail(key, "must not be empty");
  } else {
    fail(key, "expected a number or an array of numbers, got " + type_name(n));
  }
  for (double v : out)
    if (!std::isfinite(v))
      fail(key, "must be finite");
  return out;
}

std::vector<int64_t> toml_reader::integers(const std::string& key, int64_t min, int64_t max) {
  const auto& n = required(key);
  std::vector<const toml::node*> items;
  if (auto arr = n.as_array()) {
    for (const auto& e : *arr)
      items.push_back(&e);
    if (items.empty())
      fail(key, "must not be empty");
  } else {
    items.push_back(&n);
  }
  std::vector<int64_t> out;
  for (auto* e : items) {
    auto v = e->value_exact<int64_t>();
    if (!v)
      fail(key, "expected an integer or an array of integers, got " + type_name(*e) + " ("
                  + show(*e) + ")");
    if (*v < min || *v > max)
      fail(key, "values must be in [" + std::to_string(min) + ", " + std::to_string(max)
                  + "], got " + std::to_string(*v));
    out.push_back(*v);
  }
  return out;
}

toml_reader toml_reader::table(const std::string& key) {
  auto n = node(key);
  const std::string sub = path_.empty() ? key : path_ + "." + key;
  if (!n)
    return toml_reader(empty_table, file_, sub);
  auto t = n->as_table();
  if (!t)
    fail(key, "expected a table, got " + type_name(*n));
  return toml_reader(*t, file_, sub);
}

void toml_reader::finish() const {
  for (auto&& [k, v] : table_) {
    const std::string key(k.str());
    if (!used_.count(key))
      throw config_error(where(&v, key) + ": unknown key");
  }
}

} // namespace lsgd
