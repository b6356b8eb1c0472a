#include "runtime/store/runs_csv.hpp"

#include <algorithm>
#include <sstream>

namespace lsgd {

std::string runs_csv(const experiment_summary& s) {
  std::ostringstream out;
  // The simulated end only with a [cluster_model], so other runs' files stay as they were.
  const bool sim = std::any_of(s.entries.begin(), s.entries.end(), [](const auto& e) {
    return std::any_of(e.runs.begin(), e.runs.end(), [](const auto& r) { return r.sim_seconds; });
  });
  out << runs_csv_header << (sim ? ",sim_seconds" : "") << '\n';
  for (const auto& e : s.entries)
    for (size_t rep = 0; rep < e.runs.size(); ++rep) {
      const auto& r = e.runs[rep];
      out << e.method << ',' << e.N << ',' << rep << ',' << csv_number(r.final_error) << ','
          << csv_number(r.trajectory_median) << ',' << r.rounds << ','
          << (r.divergence ? 1 : 0) << ','
          << (r.divergence ? std::to_string(r.divergence->step) : std::string()) << ','
          << csv_number(r.wall_seconds);
      if (sim)
        out << ',' << (r.sim_seconds ? csv_number(*r.sim_seconds) : std::string());
      out << '\n';
    }
  return out.str();
}

} // namespace lsgd
