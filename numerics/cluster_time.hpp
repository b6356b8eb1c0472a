// Simulated cluster time of a run ([cluster_model]): when each round would end
// on a described cluster, from the round steps alone (no CAF, no SGD numbers).
#pragma once

#include <cstdint>
#include <vector>

namespace lsgd {

enum class reduction_shape { star, chain };

/// A cluster. Worker n's seconds per local step in round r (1-based) of
/// repetition `rep` is s = step_seconds * exp(spread z - spread^2 / 2), z a
/// standard normal from Philox4x64-10 keyed by (seed, cluster_stream) at
/// counter (rep, n, r, 0) (so E[s] = step_seconds, and the SGD streams are
/// untouched), times slow_factor for the ceil(slow_fraction N) workers of
/// lowest id. A worker's speed is constant within a round.
///
/// Communication of one round, B = bytes_per_model, W = bandwidth (bytes per
/// second per link), L = latency, N the workers taking part:
///   star:  2 (L + N B / W)  the server's one link carries N models each way;
///   chain: 2 (N L + B / W)  the model passes node to node (N hops each way),
///                           pipelined in small pieces, so each link carries it once.
struct cluster_model {
  double step_seconds = 1;
  double spread = 0;
  double slow_fraction = 0;
  double slow_factor = 1;
  double latency = 0;
  double bandwidth = 1;
  reduction_shape shape = reduction_shape::star;
  double bytes_per_model = 8;
};

/// Which workers take part in each round and the rounds' deadlines: where a
/// fault plan plugs in (issue 14). Empty: all N in every round, no deadline.
/// takes_part[r - 1][n]: worker n takes part in round r (a missing row: all).
/// deadline[r - 1] > 0: the round's compute phase ends at most that many
/// seconds after its start (a straggler past it is left out; the phase then
/// lasts until the deadline).
struct round_participation {
  std::vector<std::vector<bool>> takes_part;
  std::vector<double> deadline;
};

/// Seconds of one round's communication with N workers.
double communication_seconds(const cluster_model& m, uint32_t N);

/// Worker n's seconds per local step in round r (r >= 1) of repetition rep.
double step_seconds(const cluster_model& m, uint64_t seed, uint32_t rep, uint32_t N,
                    uint32_t worker, uint64_t round);

/// The simulated end of every round: end_0 = 0, end_r = end_{r-1} +
/// max_n s_{n,r} (tau_r - tau_{r-1}) + communication, the max over the
/// workers taking part (p) and capped by the round's deadline. round_steps: tau_0..tau_R.
std::vector<double> round_end_seconds(const cluster_model& m, uint64_t seed, uint32_t rep,
                                      uint32_t N, const std::vector<uint64_t>& round_steps,
                                      const round_participation& p = {});

/// The simulated time at recorded steps t (sorted): the start of the round
/// that contains t (tau_{r-1} < t <= tau_r) plus its slowest worker's time
/// for t - tau_{r-1} steps (before the round's communication); 0 at t = 0.
std::vector<double> step_times(const cluster_model& m, uint64_t seed, uint32_t rep,
                               uint32_t N, const std::vector<uint64_t>& round_steps,
                               const std::vector<uint64_t>& steps,
                               const round_participation& p = {});

} // namespace lsgd
