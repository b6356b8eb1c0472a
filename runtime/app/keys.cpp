#include "runtime/app/keys.hpp"

#include "runtime/config/config.hpp"

#include <cstdio>

namespace lsgd {

namespace {

void print_table(const std::string& header, const std::string& doc, const key_table& keys) {
  std::printf("%s\n", header.c_str());
  if (!doc.empty())
    std::printf("  # %s\n", doc.c_str());
  for (const auto& k : keys) {
    std::printf("  %-22s %-40s %s\n", k.name.c_str(), k.describe_type().c_str(),
                k.describe_default().c_str());
    std::printf("  %-22s %s\n", "", k.doc.c_str());
  }
  if (keys.empty())
    std::printf("  (no keys)\n");
  std::printf("\n");
}

template <class C>
bool print_kind(const registry<C>& reg, const std::string& name, const std::string& kind,
                const std::string& where) {
  bool any = false;
  for (const auto& c : reg.all()) {
    if (!name.empty() && name != kind && name != c.name)
      continue;
    print_table(where + " = \"" + c.name + "\"", c.doc, c.keys);
    any = true;
  }
  return any;
}

} // namespace

bool print_keys(const std::string& name) {
  bool any = false;
  for (const auto& s : section_tables())
    if (name.empty() || name == s.name || (name == "top" && s.name.empty())) {
      print_table(s.name.empty() ? "(top level)" : "[" + s.name + "]", s.doc, s.keys);
      any = true;
    }
  any |= print_kind(objective_registry(), name, "objective", "[objective] type");
  any |= print_kind(step_size_registry(), name, "step_size",
                    "[step_size] (or a method's step_size) type");
  any |= print_kind(schedule_registry(), name, "schedule", "[[method]] schedule type");
  for (const auto& c : local_rule_registry().all()) {
    if (!name.empty() && name != "optimizer" && name != c.name)
      continue;
    print_table("[[method]] optimizer = \"" + c.name + "\""
                  + (c.table.empty() ? "" : ", keys in the method's " + c.table + " table"),
                c.doc, c.keys);
    any = true;
  }
  return any;
}

} // namespace lsgd
