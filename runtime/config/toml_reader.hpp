// Reads a TOML table key by key, with errors that name the key and the line,
// and rejects keys nobody asked for (typos must not pass silently).
#pragma once

#include "runtime/config/config_error.hpp"

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lsgd {

class toml_reader {
public:
  /// `path` is the dotted name of `table` in the file ("" for the root).
  toml_reader(const toml::table& table, std::string file, std::string path);

  bool has(const std::string& key) const;

  /// The node under `key`, marked as used; nullptr if absent.
  const toml::node* node(const std::string& key);

  int64_t integer(const std::string& key, int64_t min, int64_t max,
                  std::optional<int64_t> fallback = std::nullopt);
  /// A number (integers accepted) with min < x (or min <= x if `min_inclusive`).
  double number(const std::string& key, double min, bool min_inclusive,
                std::optional<double> fallback = std::nullopt);
  std::string string(const std::string& key,
                     std::optional<std::string> fallback = std::nullopt);
  bool boolean(const std::string& key, std::optional<bool> fallback = std::nullopt);
  /// A number or an array of numbers.
  std::vector<double> numbers(const std::string& key);
  /// An integer or an array of integers, each in [min, max].
  std::vector<int64_t> integers(const std::string& key, int64_t min, int64_t max);

  /// A sub-table; absent gives an empty one.
  toml_reader table(const std::string& key);

  /// Throws for the first key that was never read.
  void finish() const;

  /// Throws a config_error for `key` with `reason`.
  [[noreturn]] void fail(const std::string& key, const std::string& reason) const;

  /// "file:line: path.key" of `key` (of the table if absent), for errors
  /// found later.
  std::string location(const std::string& key) const;

  const std::string& path() const {
    return path_;
  }

private:
  const toml::node& required(const std::string& key);
  /// True if `key` is absent and a fallback exists (the key then counts as read).
  bool absent_with_fallback(const std::string& key, bool has_fallback);
  std::string where(const toml::node* n, const std::string& key) const;

  const toml::table& table_;
  std::string file_;
  std::string path_;
  std::set<std::string> used_;
};

/// Writes a node as a short TOML-like text for error messages.
std::string show(const toml::node& n);

} // namespace lsgd
