// An experiment configuration: the TOML schema as typed structs, validated.
// The keys come from key tables (components.hpp, section_tables()), which
// `localsgd keys` prints; configs/example.toml documents every key.
#pragma once

#include "actors/run_data.hpp"
#include "runtime/config/components.hpp"
#include "runtime/config/config_error.hpp"
#include "runtime/config/key_table.hpp"
#include "numerics/chain_sum.hpp"
#include "numerics/cluster_time.hpp"
#include "numerics/record_plan.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace lsgd {

/// A component as the config chose it: its registered name, its checked
/// values (defaults filled in, echoed into summary.json) and what its factory
/// made of them.
template <class Made>
struct chosen {
  std::string type;
  values settings;
  Made made;
};

struct method_config {
  std::string name;
  chosen<local_rule> rule; // the key `optimizer`
  chosen<schedule_rule> schedule;
  chosen<lsgd::step_size> step_size;
};

struct runtime_config {
  int64_t threads = 0;             // 0: every core
  int64_t workers_per_actor = 0;   // 0: ceil(N / threads)
  int64_t repetitions_per_actor = 0; // 0: automatic (see run_plan.cpp)
  int64_t max_concurrent_runs = 0; // batches in flight; 0: 4 x threads
  double memory_limit = 0;         // GB a run may hold; 0: 0.8 x this machine's memory
  double trace_chunk_mb = default_trace_chunk_mb; // snapshots per trace message
};

/// Checkpoints after rounds, at most one per `interval` seconds per batch of
/// repetitions (0: after every round), into <results folder>/checkpoint.
struct checkpoint_config {
  bool enabled = true;
  double interval = 30;
};

/// A file a config names: the path (relative ones resolved against the config
/// file's folder) and where it was set ("file:line: key") for error messages.
struct file_setting {
  std::string path;
  std::string where;
};

/// [tls]: certificates for `serve` (runtime/exec/tls.hpp). A [tls] table turns TLS
/// on unless it says enabled = false; then all three files are required.
struct tls_config {
  bool enabled = false;
  file_setting certificate; // this node's certificate (PEM, may carry its chain)
  file_setting key;         // its private key (PEM, unencrypted)
  file_setting ca;          // the CA that signs every node's certificate
};

/// [random]: which generator the streams use (numerics/generator_kind.hpp);
/// "philox4x64-ziggurat" reproduces the numbers published before issue 12.
struct random_config {
  generator_kind generator = default_generator;
};

/// [network]: how `serve` watches its peers (runtime/exec/network_settings.hpp);
/// serve's --heartbeat and --peer-timeout override it. `join` learns the
/// config only once connected, so it takes these defaults or its flags.
struct network_config {
  double heartbeat = 1;     // seconds between BASP heartbeats (CAF 0.17.6: off)
  double peer_timeout = 15; // seconds of silence after which a peer is lost
  // CAF's deserialization threads (its own default: min(3, cores / 4) + 1).
  // Measured with bench_round (real server and worker actors, 30 rounds, on 2
  // shared cores): 2 threads were no faster at d = 1e5 and 6-14 % slower at
  // d = 1e6, N = 2 and 4, than 1. Measure again on nodes with many cores.
  int64_t middleman_workers = 1;
};

/// [cluster]: how `localsgd serve` reduces a round across processes. "star":
/// every block sends its models to the server; "chain": the blocks pass a
/// running sum along in worker-id order, in chunks (actors/chain_link.hpp),
/// the same additions: the same numbers. `run` (one process) always uses the
/// star, which there costs no network.
struct cluster_config {
  // The chain by default: bench/network.sh and bench/cluster_links.sh (README,
  // "The chain reduction") measured it faster wherever a link or the server's
  // thread is the bottleneck.
  bool chain = true;
  int64_t chunk_kb = chain_chunk_bytes / 1024; // KB of running sum per chain message
};

/// [faults.inject]: losses an in-process run simulates (runtime/plan/fault_plan.hpp).
struct fault_injection {
  bool enabled = false;                // the table is there
  std::vector<int64_t> lose_workers;   // lose id lose_workers[i] ...
  std::vector<int64_t> lose_rounds;    // ... at the start of round lose_rounds[i]
  double probability = 0;              // each worker, each round, from its own stream
  int64_t replace_after = 0;           // a lost id's replacement joins this many rounds later; 0: never
  bool stragglers = false;             // workers that miss the simulated deadline are lost
};

/// [report]: what the results compare. Every method is compared with the
/// baseline at the same N, paired over repetitions (numerics/paired.hpp).
struct report_config {
  std::string baseline;    // a [[method]] name; default: the first method
  double confidence = 0.95; // level of the paired intervals, in (0, 1)
  std::vector<double> targets; // error levels: the first step (and time) each is reached
};

struct experiment_config {
  std::string name;
  std::string file;
  uint64_t seed = 1;
  int64_t repetitions = 1;
  int64_t T = 1;
  std::vector<int64_t> N;
  int64_t record_every = 1;
  round_errors record_rounds = round_errors::all; // [record] rounds
  chosen<objective_source> objective;
  chosen<lsgd::step_size> step_size; // the default of every method
  std::vector<method_config> methods;
  bool speedup = false; // single-worker runs for s1, and the speed-up per entry
  int64_t speedup_repetitions = 1; // of the single-worker runs; default: repetitions
  runtime_config runtime;
  fault_policy faults;
  fault_injection inject; // [faults.inject]
  checkpoint_config checkpoint;
  tls_config tls;
  random_config random;
  network_config network;
  report_config report;
  cluster_config reduction; // [cluster]
  /// [cluster_model], when given: the simulated cluster time of every round
  /// (numerics/cluster_time.hpp). bytes_per_model 0: 8 x the objective's
  /// dimension, resolved by the plan's reader (runtime/store/sim_time.hpp).
  std::optional<cluster_model> cluster;
  /// The fixed tables as read, for the echo: "" (the top level), "speedup",
  /// "runtime", "faults", "checkpoint", "random", "network", "report", "tls", "cluster_model", "cluster"
  /// (the last three only when given).
  std::vector<std::pair<std::string, values>> sections;
};

/// A fixed table of the config: its name ("" for the top level), a doc line
/// and its keys. `localsgd keys` prints them with the components' tables.
struct section_table {
  std::string name;
  std::string doc;
  key_table keys;
};
const std::vector<section_table>& section_tables();

/// A method of `c` with the given name and schedule, default local rule
/// (sgd) and the config's default step size: the single workers of a
/// speed-up sweep.
method_config default_method(const experiment_config& c, const std::string& name,
                             const std::string& schedule);

/// Reads and validates `file` after applying `overrides` ("key.path=value",
/// TOML values; a bare word is a string). Throws config_error naming the key.
experiment_config load_config(const std::string& file,
                              const std::vector<std::string>& overrides = {});

/// The text of a config file; throws config_error if it cannot be read.
std::string read_config_file(const std::string& file);

/// The same from TOML text (for tests); `file` names it in errors. Touches no
/// other file: the files the config names are checked by check_local_files.
experiment_config parse_config(const std::string& text, const std::string& file,
                               const std::vector<std::string>& overrides = {});

/// The toml++ version configs are read with ("3.3.0"), for the provenance.
std::string toml_library_version();

/// Throws config_error if a file the config names (the [tls] files, when TLS
/// is on) is not a readable file on this machine. load_config calls it.
void check_local_files(const experiment_config& c);

} // namespace lsgd
