#include "runtime/config/key_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>

namespace lsgd {

namespace {

constexpr int64_t int_min = std::numeric_limits<int64_t>::min();
constexpr int64_t int_max = std::numeric_limits<int64_t>::max();

int64_t lower(const key_spec& k) {
  return k.min ? static_cast<int64_t>(*k.min) : int_min;
}
int64_t upper(const key_spec& k) {
  return k.max ? static_cast<int64_t>(*k.max) : int_max;
}

std::string join(const std::vector<std::string>& xs) {
  std::string out;
  for (size_t i = 0; i < xs.size(); ++i)
    out += (i ? ", " : "") + xs[i];
  return out;
}

key_value read_given(toml_reader& r, const key_spec& k, const std::string& config_file) {
  switch (k.type) {
    case key_type::boolean:
      return r.boolean(k.name);
    case key_type::integer:
      return r.integer(k.name, lower(k), upper(k));
    case key_type::number: {
      const double v = r.number(k.name, k.min.value_or(-std::numeric_limits<double>::max()),
                                !k.min_exclusive);
      if (k.max && (k.max_exclusive ? !(v < *k.max) : v > *k.max))
        r.fail(k.name, std::string(k.max_exclusive ? "must be < " : "must be <= ")
                         + toml_text(*k.max) + ", got " + toml_text(v));
      return v;
    }
    case key_type::text: {
      auto v = r.string(k.name);
      if (!k.choices.empty() && std::find(k.choices.begin(), k.choices.end(), v) == k.choices.end())
        r.fail(k.name, "unknown value \"" + v + "\" (expected one of: " + join(k.choices) + ")");
      return v;
    }
    case key_type::path: {
      const std::filesystem::path p = r.string(k.name);
      if (p.empty())
        r.fail(k.name, "must name a file");
      return p.is_absolute()
               ? p.string()
               : (std::filesystem::path(config_file).parent_path() / p).lexically_normal().string();
    }
    case key_type::numbers: {
      auto v = r.numbers(k.name);
      for (double x : v)
        if ((k.min && (k.min_exclusive ? !(x > *k.min) : !(x >= *k.min))) || (k.max && x > *k.max))
          r.fail(k.name, std::string("entries must be ") + (k.min_exclusive ? "> " : ">= ")
                           + toml_text(k.min.value_or(0)));
      return v;
    }
    case key_type::integers: {
      auto v = r.integers(k.name, lower(k), upper(k));
      if (k.unique) {
        std::set<int64_t> seen;
        for (auto x : v)
          if (!seen.insert(x).second)
            r.fail(k.name, "lists " + std::to_string(x) + " twice");
      }
      return v;
    }
    case key_type::integer_or_text: {
      const auto* n = r.node(k.name);
      if (auto i = n->value_exact<int64_t>())
        return *i;
      if (auto s = n->value_exact<std::string>())
        return *s;
      r.fail(k.name, "expected an integer or a string, got " + show(*n));
    }
  }
  return {};
}

} // namespace

values read_keys(toml_reader& r, const key_table& keys, const std::string& config_file,
                 const values* inherit) {
  values out;
  for (const auto& k : keys) {
    values::entry e;
    e.key = k.name;
    e.location = r.location(k.name);
    if (r.has(k.name)) {
      e.value = read_given(r, k, config_file);
      e.given = true;
    } else {
      r.node(k.name); // counts as read
      if (inherit)
        for (const auto& up : inherit->entries())
          if (up.key == k.name)
            e.value = up.value;
      const bool inherited = !std::holds_alternative<std::monostate>(e.value);
      if (!inherited && k.required)
        r.fail(k.name, "missing (required)");
      if (!inherited)
        e.value = k.fallback;
    }
    out.add(std::move(e));
  }
  return out;
}

} // namespace lsgd
