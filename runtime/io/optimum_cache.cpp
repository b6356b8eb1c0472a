#include "runtime/io/optimum_cache.hpp"

#include "numerics/newton.hpp"
#include "runtime/io/atomic_file.hpp"
#include "runtime/io/regular_file.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>

namespace lsgd {

namespace {

constexpr size_t max_entries = 16; // per data file: the most recent settings

uint64_t fnv1a(const std::string& bytes, uint64_t h = 14695981039346656037ull) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// The cache's entries; an empty array if the file is absent. Throws for a
// file that is not a cache.
nlohmann::json read_entries(const std::string& file) {
  std::string text;
  try {
    text = read_regular_file(file, file_limits::optimum_cache, "the F* cache");
  } catch (const file_error& e) {
    if (e.missing())
      return nlohmann::json::array();
    throw;
  }
  auto doc = nlohmann::json::parse(text);
  return doc.at("entries").get<nlohmann::json::array_t>();
}

// x* from a cache entry if it checks out on f, else why not.
std::optional<vector> check_entry(const finite_sum& f, const nlohmann::json& e,
                                  std::string& why) {
  const auto xs = e.at("x*").get<std::vector<double>>();
  if (static_cast<Eigen::Index>(xs.size()) != f.dimension()) {
    why = "the cached x* has the wrong length";
    return std::nullopt;
  }
  vector x = Eigen::Map<const vector>(xs.data(), f.dimension());
  vector g(f.dimension());
  f.gradient(x, g);
  const double stored = e.at("F*").get<double>();
  const double value = f.value(x);
  if (!(g.norm() <= 1e-10) || !(std::abs(value - stored) <= 1e-12 * std::max(1.0, std::abs(value)))) {
    why = "the cached x* is not a minimiser of this F";
    return std::nullopt;
  }
  return x;
}

} // namespace

std::string optimum_cache_key(const std::string& data_bytes, const std::string& settings) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx",
                static_cast<unsigned long long>(fnv1a(settings, fnv1a(data_bytes))));
  return buf;
}

optimum find_optimum(const finite_sum& f, const std::string& cache_file, const std::string& key,
                     const std::string& settings) {
  optimum out;
  out.report.cache_file = cache_file;
  nlohmann::json entries = nlohmann::json::array();
  try {
    entries = read_entries(cache_file);
    for (const auto& e : entries)
      if (e.at("key") == key && e.at("settings") == settings) {
        if (auto x = check_entry(f, e, out.report.note)) {
          out.x = std::move(*x);
          out.report.from_cache = true;
        }
        break;
      }
  } catch (const std::exception&) {
    out.report.note = "the cache file is corrupt";
    entries = nlohmann::json::array();
  }
  if (!out.report.from_cache) {
    auto solved = newton_minimize(f, vector::Zero(f.dimension()));
    out.x = std::move(solved.x);
    out.report.newton_iterations = solved.iterations;
    nlohmann::json entry = {{"key", key},
                            {"settings", settings},
                            {"F*", f.value(out.x)},
                            {"gradient_norm", solved.gradient_norm},
                            {"newton_iterations", solved.iterations},
                            {"x*", std::vector<double>(out.x.data(), out.x.data() + out.x.size())}};
    nlohmann::json kept = nlohmann::json::array({entry});
    for (const auto& e : entries)
      if (kept.size() < max_entries && !(e.contains("key") && e["key"] == key))
        kept.push_back(e);
    const nlohmann::json doc = {
      {"about", "localsgd's cache of F* = F(x*) for this data file: one entry per setting "
                "of the objective, x* by Newton's method; safe to delete"},
      {"entries", kept}};
    try {
      write_file_atomically(cache_file, doc.dump(1) + "\n");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "localsgd: warning: cannot write the F* cache %s (%s); F* will be "
                   "computed again next time\n", cache_file.c_str(), e.what());
    }
  }
  vector g(f.dimension());
  f.gradient(out.x, g);
  out.report.value = f.value(out.x);
  out.report.gradient_norm = g.norm();
  return out;
}

} // namespace lsgd
