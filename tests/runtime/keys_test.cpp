// The reference configs/example.toml against the key tables: every key it
// documents exists, and every key of every table is documented there.
#include "runtime/config/config.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>

using namespace lsgd;

namespace {

// Section of the example -> the key names written there, as `key = ...` at
// the start of a line (commented out or not) or inside an inline table.
std::map<std::string, std::set<std::string>> documented_keys() {
  std::ifstream in(std::string(LSGD_SOURCE_DIR) + "/configs/example.toml");
  REQUIRE(in);
  const std::regex header(R"(^\s*#?\s*\[\[?([a-z_.]+)\]\]?)");
  const std::regex key(R"(^\s*#?\s*([A-Za-z_][A-Za-z0-9_]*)\s*=)");
  const std::regex inline_table(R"(\{([^}]*)\})");
  const std::regex inline_key(R"(([A-Za-z_][A-Za-z0-9_]*)\s*=)");
  std::map<std::string, std::set<std::string>> out;
  std::string section;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, header)) {
      section = m[1];
      continue;
    }
    if (std::regex_search(line, m, key))
      out[section].insert(m[1]);
    for (std::sregex_iterator it(line.begin(), line.end(), inline_table), end; it != end; ++it) {
      const std::string inside = (*it)[1];
      for (std::sregex_iterator k(inside.begin(), inside.end(), inline_key); k != end; ++k)
        out[section].insert((*k)[1]);
    }
  }
  return out;
}

template <class C>
void add_keys(std::set<std::string>& into, const registry<C>& reg) {
  for (const auto& c : reg.all())
    for (const auto& k : c.keys)
      into.insert(k.name);
}

// Section -> every key the tables allow there.
std::map<std::string, std::set<std::string>> declared_keys() {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& s : section_tables())
    for (const auto& k : s.keys)
      out[s.name].insert(k.name);
  out["objective"].insert("type");
  add_keys(out["objective"], objective_registry());
  out["step_size"].insert("type");
  add_keys(out["step_size"], step_size_registry());
  auto& method = out["method"];
  method.insert({"name", "optimizer", "schedule", "step_size", "type"});
  add_keys(method, schedule_registry());
  add_keys(method, step_size_registry());
  add_keys(method, local_rule_registry());
  for (const auto& c : local_rule_registry().all())
    if (!c.table.empty())
      method.insert(c.table);
  return out;
}

} // namespace

TEST_CASE("configs/example.toml documents every key, and only keys that exist") {
  const auto documented = documented_keys();
  const auto declared = declared_keys();
  for (const auto& [section, keys] : documented) {
    CAPTURE(section);
    REQUIRE(declared.count(section));
    for (const auto& k : keys) {
      CAPTURE(k);
      CHECK(declared.at(section).count(k));
    }
  }
  for (const auto& [section, keys] : declared) {
    CAPTURE(section);
    REQUIRE(documented.count(section));
    for (const auto& k : keys) {
      CAPTURE(k);
      CHECK(documented.at(section).count(k));
    }
  }
}

TEST_CASE("every key has a doc line and a default, a range or a note") {
  auto check = [](const std::string& where, const key_table& keys) {
    for (const auto& k : keys) {
      CAPTURE(where);
      CAPTURE(k.name);
      CHECK(!k.doc.empty());
      CHECK(!k.describe_default().empty());
    }
  };
  for (const auto& s : section_tables())
    check(s.name, s.keys);
  for (const auto& c : objective_registry().all())
    check(c.name, c.keys);
  for (const auto& c : schedule_registry().all())
    check(c.name, c.keys);
  for (const auto& c : local_rule_registry().all())
    check(c.name, c.keys);
  for (const auto& c : step_size_registry().all())
    check(c.name, c.keys);
}
