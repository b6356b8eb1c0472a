// The baselines localsgd measures itself against: experiments S and L as plain
// C++ loops, no actors. Same arithmetic and random draws as localsgd's SGD
// methods (streams per (seed, repetition, worker), fused steps, averaging in
// worker-id order), the same monitoring (the error of the virtual average every
// `record_every` steps, per-run medians), on K threads. Prints worker-steps/s.
//
//   bench_plain_loop S|L [threads] [repetitions] [philox4x64-ziggurat|philox4x32-boxmuller]
//
// philox4x64-ziggurat (the default here): one run at a time, the scalar loop.
// philox4x32-boxmuller: the floor; 50 repetitions of a (method, N) at once, as
// one block of columns, so sgd_steps runs the SIMD kernel over all of them.
#include "numerics/averaging.hpp"
#include "numerics/record_plan.hpp"
#include "numerics/schedule.hpp"
#include "numerics/skewed_quadratic.hpp"
#include "numerics/statistics.hpp"
#include "numerics/stream_set.hpp"
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

// Repetitions first_rep .. first_rep + reps - 1 of one (schedule, N).
struct job {
  comm_times times;
  uint32_t N;
  uint32_t first_rep;
  uint32_t reps;
};

double error_at(double x) {
  return 0.5 * (x >= 0 ? 2.0 : 1.0) * x * x;
}

// The runs of a job, as one block of reps x N columns (repetition-major, as
// localsgd's blocks): writes each run's final error and the median of its
// recorded errors. Up to 64 recorded steps run in a row, the iterates going to
// a buffer that is then averaged per repetition.
void run(const job& j, const skewed_quadratic& f, const step_size& eta,
         const record_plan& records, generator_kind kind, std::pair<double, double>* out) {
  constexpr size_t pass = 64;
  const Eigen::Index cols = Eigen::Index{j.reps} * j.N;
  std::vector<random_stream> columns;
  columns.reserve(static_cast<size_t>(cols));
  for (uint32_t r = 0; r < j.reps; ++r)
    for (uint32_t n = 0; n < j.N; ++n)
      columns.emplace_back(1, j.first_rep + r, n, 0, kind);
  stream_set streams(std::move(columns));
  Eigen::MatrixXd x = Eigen::MatrixXd::Constant(1, cols, 2.0);
  std::vector<double> buffer(pass * static_cast<size_t>(cols)), xbar(j.reps, 0.0);
  Eigen::Map<Eigen::MatrixXd> means(xbar.data(), 1, j.reps);
  std::vector<std::vector<double>> errors(j.reps);
  for (size_t r = 1; r < j.times.size(); ++r) {
    uint64_t at = j.times[r - 1];
    const auto recorded = records.steps_in(at, j.times[r]);
    for (size_t begin = 0; begin < recorded.size(); begin += pass) {
      const auto n = std::min(pass, recorded.size() - begin);
      f.sgd_steps(x, streams, eta, at, recorded[begin + n - 1],
                  snapshot_sink{recorded.data() + begin, n, buffer.data()});
      at = recorded[begin + n - 1];
      for (size_t s = 0; s < n; ++s) {
        average_column_groups(Eigen::Map<const Eigen::MatrixXd>(buffer.data() + s * cols, 1, cols),
                              j.N, means);
        if (recorded[begin + s] >= 10)
          for (uint32_t k = 0; k < j.reps; ++k)
            errors[k].push_back(error_at(xbar[k]));
      }
    }
    f.sgd_steps(x, streams, eta, at, j.times[r], snapshot_sink{});
    average_column_groups(x, j.N, means);
    for (uint32_t k = 0; k < j.reps; ++k)
      x.middleCols(Eigen::Index{k} * j.N, j.N).setConstant(xbar[k]);
  }
  for (uint32_t k = 0; k < j.reps; ++k)
    out[k] = {error_at(xbar[k]), median(errors[k])};
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
  const auto kind = parse_generator(argc > 4 ? argv[4] : "philox4x64-ziggurat");
  if (!kind) {
    std::fprintf(stderr, "unknown generator %s\n", argv[4]);
    return 2;
  }
  const uint32_t per_job = *kind == generator_kind::philox4x32_boxmuller ? 50 : 1;
  const skewed_quadratic f(1.0, 2.0, 8.0);
  const auto eta = step_size::harmonic(2.0, 0.5);
  const record_plan records(e.T, e.record_every);

  std::vector<job> jobs;
  std::vector<size_t> first_out; // where each job's runs go in `out`
  size_t runs = 0;
  auto add = [&](comm_times times, uint32_t N) {
    for (uint32_t rep = 0; rep < e.reps; rep += per_job) {
      jobs.push_back({times, N, rep, std::min(per_job, e.reps - rep)});
      first_out.push_back(runs);
      runs += jobs.back().reps;
    }
  };
  add(schedules::one_shot(e.T), 1); // single workers for s1: runs 0 .. reps - 1
  for (const auto& m : e.methods)
    for (auto N : e.Ns)
      add(times_of(m, e.T, N), N);
  double worker_steps = 0;
  for (const auto& j : jobs)
    worker_steps += double(e.T) * j.N * j.reps;

  std::vector<std::pair<double, double>> out(runs);
  std::atomic<size_t> next{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (unsigned k = 0; k < threads; ++k)
    pool.emplace_back([&] {
      for (size_t i; (i = next++) < jobs.size();)
        run(jobs[i], f, eta, records, *kind, out.data() + first_out[i]);
    });
  for (auto& t : pool)
    t.join();
  const double seconds
    = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double s1 = 0;
  for (uint32_t rep = 0; rep < e.reps; ++rep)
    s1 += out[rep].first;
  s1 /= e.reps;
  std::printf("plain loop %s, %s: %zu runs, %.3g worker-steps in %.2f s on %u thread(s) = "
              "%.1f M worker-steps/s (s1 = %.4g)\n",
              which.c_str(), generator_name(*kind).c_str(), runs, worker_steps, seconds,
              threads, worker_steps / seconds / 1e6, s1);
}
