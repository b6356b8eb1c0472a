#include "runtime/store/runs_csv.hpp"

#include <sstream>

namespace lsgd {

std::string runs_csv(const experiment_summary& s) {
  std::ostringstream out;
  out << runs_csv_header << '\n';
  for (const auto& e : s.entries)
    for (size_t rep = 0; rep < e.runs.size(); ++rep) {
      const auto& r = e.runs[rep];
      out << e.method << ',' << e.N << ',' << rep << ',' << csv_number(r.final_error) << ','
          << csv_number(r.trajectory_median) << ',' << r.rounds << ','
          << (r.divergence ? 1 : 0) << ','
          << (r.divergence ? std::to_string(r.divergence->step) : std::string()) << ','
          << csv_number(r.wall_seconds) << '\n';
    }
  return out.str();
}

} // namespace lsgd
