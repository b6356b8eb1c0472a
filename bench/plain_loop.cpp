// The baseline: experiment S's arithmetic and random draws in a plain loop,
// no actors, one core. Prints worker-steps per second.
#include "numerics/random_stream.hpp"
#include "numerics/schedule.hpp"
#include "numerics/step_size.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  const uint64_t T = 1000;
  const uint32_t N = argc > 1 ? static_cast<uint32_t>(std::atoi(argv[1])) : 32;
  const uint32_t reps = argc > 2 ? static_cast<uint32_t>(std::atoi(argv[2])) : 150;
  const auto eta = lsgd::step_size::harmonic(2.0, 0.5);
  const auto times = lsgd::schedules::increasing(T, N);
  double checksum = 0;
  const auto start = std::chrono::steady_clock::now();
  for (uint32_t rep = 0; rep < reps; ++rep) {
    std::vector<lsgd::random_stream> streams;
    for (uint32_t n = 0; n < N; ++n)
      streams.emplace_back(1, rep, n);
    std::vector<double> x(N, 2.0);
    for (size_t r = 1; r < times.size(); ++r) {
      for (uint32_t n = 0; n < N; ++n) {
        double v = x[n];
        for (uint64_t t = times[r - 1]; t < times[r]; ++t)
          v -= eta(t) * ((v >= 0 ? 2.0 : 1.0) * v + 8.0 * streams[n].normal());
        x[n] = v;
      }
      double avg = 0;
      for (double v : x)
        avg += v;
      avg /= N;
      for (double& v : x)
        v = avg;
    }
    checksum += x[0];
  }
  const double seconds
    = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double steps = double(T) * N * reps;
  std::printf("plain loop, increasing R = N = %u, %u reps: %.1f M worker-steps/s "
              "(checksum %.6f)\n", N, reps, steps / seconds / 1e6, checksum);
}
