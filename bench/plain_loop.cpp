// The baseline localsgd measures itself against: experiments S and L as plain
// C++ loops, no actors. Same arithmetic and random draws as localsgd's SGD
// methods (Philox streams per (seed, repetition, worker), ziggurat normals,
// fused steps, averaging in worker-id order), the same monitoring (the error
// of the virtual average every `record_every` steps, per-run medians), on K
// threads over the (method, N, repetition) runs. Prints worker-steps/s.
//
//   bench_plain_loop S|L [threads] [repetitions]
#include "numerics/averaging.hpp"
#include "numerics/record_plan.hpp"
#include "numerics/schedule.hpp"
#include "numerics/skewed_quadratic.hpp"
#include "numerics/statistics.hpp"
#include "numerics/step_size.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace lsgd;

struct experiment {
  uint64_t T;
  uint64_t record_every;
  std::vector<uint32_t> Ns;
  std::vector<std::string> methods; // schedule names understood by times_of
  uint32_t reps;
};

comm_times times_of(const std::string& method, uint64_t T, uint32_t N) {
  if (method == "sync")
    return schedules::synchronous(T);
  if (method == "increasing")
    return schedules::increasing(T, N);
  if (method == "increasing_sqrt")
    return schedules::increasing(T, rounds_rule::parse("sqrt(N)").resolve(N));
  if (method == "increasing_n075")
    return schedules::increasing(T, rounds_rule::parse("N^0.75").resolve(N));
  if (method == "constant_n075")
    return schedules::constant_rounds(T, rounds_rule::parse("N^0.75").resolve(N));
  return schedules::one_shot(T);
}

struct job {
  comm_times times;
  uint32_t N;
  uint32_t rep;
};

// One run: returns its final error and the median of its recorded errors.
// Each worker runs up to 64 recorded steps in a row (its stream stays in
// registers), writing its iterates into a buffer that is then averaged.
std::pair<double, double> run(const job& j, const skewed_quadratic& f, const step_size& eta,
                              const record_plan& records) {
  constexpr size_t pass = 64;
  std::vector<random_stream> streams;
  streams.reserve(j.N);
  for (uint32_t n = 0; n < j.N; ++n)
    streams.emplace_back(1, j.rep, n);
  Eigen::MatrixXd x = Eigen::MatrixXd::Constant(1, j.N, 2.0);
  std::vector<double> buffer(pass * j.N), errors;
  double xbar = 0;
  for (size_t r = 1; r < j.times.size(); ++r) {
    uint64_t at = j.times[r - 1];
    const auto recorded = records.steps_in(at, j.times[r]);
    for (size_t begin = 0; begin < recorded.size(); begin += pass) {
      const auto n = std::min(pass, recorded.size() - begin);
      f.sgd_steps(x, streams.data(), eta, at, recorded[begin + n - 1],
                  snapshot_sink{recorded.data() + begin, n, buffer.data()});
      at = recorded[begin + n - 1];
      for (size_t s = 0; s < n; ++s) {
        average_columns(Eigen::Map<const Eigen::MatrixXd>(buffer.data() + s * j.N, 1, j.N),
                        &xbar);
        if (recorded[begin + s] >= 10)
          errors.push_back(0.5 * (xbar >= 0 ? 2.0 : 1.0) * xbar * xbar);
      }
    }
    f.sgd_steps(x, streams.data(), eta, at, j.times[r], snapshot_sink{});
    average_columns(x, &xbar);
    x.setConstant(xbar);
  }
  return {0.5 * (xbar >= 0 ? 2.0 : 1.0) * xbar * xbar, median(errors)};
}

} // namespace

int main(int argc, char** argv) {
  const std::string which = argc > 1 ? argv[1] : "S";
  const unsigned threads = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 1;
  experiment e = which == "L"
                   ? experiment{8000, 8, {32, 64, 128, 256},
                                {"increasing", "increasing_sqrt", "one_shot", "increasing_n075",
                                 "constant_n075"},
                                1000}
                   : experiment{1000, 1, {2, 4, 8, 16, 24, 32},
                                {"sync", "increasing", "one_shot"}, 150};
  if (argc > 3)
    e.reps = static_cast<uint32_t>(std::atoi(argv[3]));
  const skewed_quadratic f(1.0, 2.0, 8.0);
  const auto eta = step_size::harmonic(2.0, 0.5);
  const record_plan records(e.T, e.record_every);

  std::vector<job> jobs;
  for (uint32_t rep = 0; rep < e.reps; ++rep)
    jobs.push_back({schedules::one_shot(e.T), 1, rep}); // single workers for s1
  for (const auto& m : e.methods)
    for (auto N : e.Ns)
      for (uint32_t rep = 0; rep < e.reps; ++rep)
        jobs.push_back({times_of(m, e.T, N), N, rep});
  double worker_steps = 0;
  for (const auto& j : jobs)
    worker_steps += double(e.T) * j.N;

  std::vector<std::pair<double, double>> out(jobs.size());
  std::atomic<size_t> next{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (unsigned k = 0; k < threads; ++k)
    pool.emplace_back([&] {
      for (size_t i; (i = next++) < jobs.size();)
        out[i] = run(jobs[i], f, eta, records);
    });
  for (auto& t : pool)
    t.join();
  const double seconds
    = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double s1 = 0;
  for (uint32_t rep = 0; rep < e.reps; ++rep)
    s1 += out[rep].first;
  s1 /= e.reps;
  std::printf("plain loop %s: %zu runs, %.3g worker-steps in %.2f s on %u thread(s) = "
              "%.1f M worker-steps/s (s1 = %.4g)\n",
              which.c_str(), jobs.size(), worker_steps, seconds, threads,
              worker_steps / seconds / 1e6, s1);
}
