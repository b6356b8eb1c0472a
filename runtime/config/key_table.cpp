#include "runtime/config/key_table.hpp"

#include <sstream>
#include <stdexcept>

namespace lsgd {

namespace {

key_spec make(std::string name, key_type type, std::string doc) {
  key_spec k;
  k.name = std::move(name);
  k.type = type;
  k.doc = std::move(doc);
  return k;
}

std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  auto s = out.str();
  if (s.find_first_of(".en") == std::string::npos)
    s += ".0";
  return s;
}

} // namespace

key_spec& key_spec::def(key_value v) {
  fallback = std::move(v);
  return *this;
}
key_spec& key_spec::computed(std::string how) {
  default_doc = std::move(how);
  return *this;
}
key_spec& key_spec::needed() {
  required = true;
  return *this;
}
key_spec& key_spec::at_least(double v) {
  min = v;
  min_exclusive = false;
  return *this;
}
key_spec& key_spec::above(double v) {
  min = v;
  min_exclusive = true;
  return *this;
}
key_spec& key_spec::at_most(double v) {
  max = v;
  max_exclusive = false;
  return *this;
}
key_spec& key_spec::below(double v) {
  max = v;
  max_exclusive = true;
  return *this;
}
key_spec& key_spec::one_of(std::vector<std::string> values) {
  choices = std::move(values);
  return *this;
}
key_spec& key_spec::distinct() {
  unique = true;
  return *this;
}

key_spec boolean_key(std::string name, std::string doc) {
  return make(std::move(name), key_type::boolean, std::move(doc));
}
key_spec integer_key(std::string name, std::string doc) {
  return make(std::move(name), key_type::integer, std::move(doc));
}
key_spec number_key(std::string name, std::string doc) {
  return make(std::move(name), key_type::number, std::move(doc));
}
key_spec text_key(std::string name, std::string doc) {
  return make(std::move(name), key_type::text, std::move(doc));
}
key_spec path_key(std::string name, std::string doc) {
  return make(std::move(name), key_type::path, std::move(doc));
}
key_spec numbers_key(std::string name, std::string doc) {
  return make(std::move(name), key_type::numbers, std::move(doc));
}
key_spec integers_key(std::string name, std::string doc) {
  return make(std::move(name), key_type::integers, std::move(doc));
}
key_spec integer_or_text_key(std::string name, std::string doc) {
  return make(std::move(name), key_type::integer_or_text, std::move(doc));
}

std::string key_spec::describe_type() const {
  std::string out;
  switch (type) {
    case key_type::boolean: return "boolean";
    case key_type::integer: out = "integer"; break;
    case key_type::number: out = "number"; break;
    case key_type::text: out = "string"; break;
    case key_type::path: return "file path";
    case key_type::numbers: out = "number or list of numbers"; break;
    case key_type::integers: out = "integer or list of integers"; break;
    case key_type::integer_or_text: out = "integer or string"; break;
  }
  auto bound = [&](double v) {
    return type == key_type::integer || type == key_type::integers
             ? std::to_string(static_cast<int64_t>(v))
             : number_text(v);
  };
  if (min && max)
    out += std::string(min_exclusive ? " in (" : " in [") + bound(*min) + ", " + bound(*max)
           + (max_exclusive ? ")" : "]");
  else if (min)
    out += std::string(min_exclusive ? " > " : " >= ") + bound(*min);
  if (!choices.empty()) {
    out += ", one of:";
    for (size_t i = 0; i < choices.size(); ++i)
      out += std::string(i ? ", " : " ") + "\"" + choices[i] + "\"";
  }
  if (unique)
    out += ", each once";
  return out;
}

std::string key_spec::describe_default() const {
  if (required)
    return "(required)";
  if (!default_doc.empty())
    return "(" + default_doc + ")";
  if (std::holds_alternative<std::monostate>(fallback))
    return "(optional)";
  return toml_text(fallback);
}

std::string toml_text(const key_value& v) {
  struct visitor {
    std::string operator()(std::monostate) const {
      return "";
    }
    std::string operator()(bool b) const {
      return b ? "true" : "false";
    }
    std::string operator()(int64_t i) const {
      return std::to_string(i);
    }
    std::string operator()(double d) const {
      return number_text(d);
    }
    std::string operator()(const std::string& s) const {
      return "\"" + s + "\"";
    }
    std::string operator()(const std::vector<double>& xs) const {
      std::string out = "[";
      for (size_t i = 0; i < xs.size(); ++i)
        out += (i ? ", " : "") + number_text(xs[i]);
      return out + "]";
    }
    std::string operator()(const std::vector<int64_t>& xs) const {
      std::string out = "[";
      for (size_t i = 0; i < xs.size(); ++i)
        out += (i ? ", " : "") + std::to_string(xs[i]);
      return out + "]";
    }
  };
  return std::visit(visitor{}, v);
}

// --- values ----------------------------------------------------------------

const values::entry& values::at(const std::string& key) const {
  for (const auto& e : entries_)
    if (e.key == key)
      return e;
  // A component asked for a key it did not declare: a programming error.
  throw std::logic_error("config key \"" + key + "\" is not declared in its table");
}

values::entry* values::find(const std::string& key) {
  for (auto& e : entries_)
    if (e.key == key)
      return &e;
  return nullptr;
}

bool values::has(const std::string& key) const {
  return !std::holds_alternative<std::monostate>(at(key).value);
}

bool values::given(const std::string& key) const {
  return at(key).given;
}

const key_value& values::value(const std::string& key) const {
  return at(key).value;
}

bool values::boolean(const std::string& key) const {
  return std::get<bool>(at(key).value);
}

int64_t values::integer(const std::string& key) const {
  return std::get<int64_t>(at(key).value);
}

double values::number(const std::string& key) const {
  const auto& v = at(key).value;
  if (auto i = std::get_if<int64_t>(&v))
    return static_cast<double>(*i);
  return std::get<double>(v);
}

const std::string& values::text(const std::string& key) const {
  return std::get<std::string>(at(key).value);
}

const std::vector<double>& values::numbers(const std::string& key) const {
  return std::get<std::vector<double>>(at(key).value);
}

const std::vector<int64_t>& values::integers(const std::string& key) const {
  return std::get<std::vector<int64_t>>(at(key).value);
}

void values::set(const std::string& key, key_value v) {
  if (auto e = find(key)) {
    e->value = std::move(v);
    return;
  }
  throw std::logic_error("config key \"" + key + "\" is not declared in its table");
}

std::string values::location(const std::string& key) const {
  return at(key).location;
}

void values::fail(const std::string& key, const std::string& reason) const {
  throw config_error(location(key) + ": " + reason);
}

} // namespace lsgd
