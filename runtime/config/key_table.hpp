// One declaration per config key: its name, type, default, range and doc.
// A key_table is read from TOML (with file:line:key errors and unknown-key
// errors), echoed into summary.json and printed by `localsgd keys`, all from
// the same declarations.
#pragma once

#include "runtime/config/config_error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace lsgd {

enum class key_type {
  boolean,
  integer,
  number,
  text,
  path,     // text naming a file; relative paths are taken from the config's folder
  numbers,  // a number or an array of numbers
  integers, // an integer or an array of integers
  integer_or_text,
};

/// A key's value; monostate: absent without a default.
using key_value = std::variant<std::monostate, bool, int64_t, double, std::string,
                               std::vector<double>, std::vector<int64_t>>;

/// The declaration of one key. Build it with the functions below and the
/// chained setters, e.g. `number_key("eta", "the step").above(0).def(0.1)`.
struct key_spec {
  std::string name;
  key_type type = key_type::number;
  std::string doc;
  key_value fallback;          // the default; monostate: none
  bool required = false;       // no default: the key must be given
  std::string default_doc;     // a default computed from other keys, in words
  std::optional<double> min, max;
  bool min_exclusive = false;  // min < x instead of min <= x
  bool max_exclusive = false;  // x < max instead of x <= max
  std::vector<std::string> choices; // text: the allowed values
  bool unique = false;         // integers: no value twice

  key_spec& def(key_value v);
  key_spec& computed(std::string how); // optional; the component computes it
  key_spec& needed();                  // required
  key_spec& at_least(double v);
  key_spec& above(double v);
  key_spec& at_most(double v);
  key_spec& below(double v);
  key_spec& one_of(std::vector<std::string> values);
  key_spec& distinct();

  /// "integer in [1, 10000000]", "number > 0", "one of: a, b", ...
  std::string describe_type() const;
  /// The default as TOML text, "(required)" or the computed default's words.
  std::string describe_default() const;
};

key_spec boolean_key(std::string name, std::string doc);
key_spec integer_key(std::string name, std::string doc);
key_spec number_key(std::string name, std::string doc);
key_spec text_key(std::string name, std::string doc);
key_spec path_key(std::string name, std::string doc);
key_spec numbers_key(std::string name, std::string doc);
key_spec integers_key(std::string name, std::string doc);
key_spec integer_or_text_key(std::string name, std::string doc);

/// The keys of one table, in the order they are documented and echoed.
using key_table = std::vector<key_spec>;

/// A value as TOML text ("[1, 2]", "\"abc\"", "0.5").
std::string toml_text(const key_value& v);

/// The checked values of one table: every declared key, with its default
/// filled in, and where it was set for errors found later.
class values {
public:
  struct entry {
    std::string key;
    key_value value;
    bool given = false;   // set in the file (not a default)
    std::string location; // "file:line: path.key"
  };

  /// True if the key has a value (given or by default).
  bool has(const std::string& key) const;
  /// True if the file set the key.
  bool given(const std::string& key) const;

  bool boolean(const std::string& key) const;
  int64_t integer(const std::string& key) const;
  double number(const std::string& key) const; // integers convert
  const std::string& text(const std::string& key) const;
  const std::vector<double>& numbers(const std::string& key) const;
  const std::vector<int64_t>& integers(const std::string& key) const;
  const key_value& value(const std::string& key) const;

  /// Replaces a value with what it resolves to (e.g. x0 at length d).
  void set(const std::string& key, key_value v);

  /// "file:line: path.key", for errors found after reading.
  std::string location(const std::string& key) const;
  /// Throws config_error at `key`'s location.
  [[noreturn]] void fail(const std::string& key, const std::string& reason) const;

  const std::vector<entry>& entries() const {
    return entries_;
  }
  void add(entry e) {
    entries_.push_back(std::move(e));
  }

private:
  const entry& at(const std::string& key) const;
  entry* find(const std::string& key);
  std::vector<entry> entries_;
};

} // namespace lsgd
