// An experiment configuration: the TOML schema as typed structs, validated.
// configs/example.toml documents every key.
#pragma once

#include "numerics/generator_kind.hpp"

#include "runtime/toml_reader.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace lsgd {

struct objective_config {
  std::string type; // "noisy_quadratic", "skewed_quadratic" or a data_objective_types() one
  // noisy_quadratic
  int64_t dimension = 3;
  std::vector<double> curvature; // a_i, default 1..d
  double multiplicative_noise = 1.0;
  double additive_noise = 0.5;
  // skewed_quadratic
  double mu = 1.0;
  double L = 2.0;
  double sigma = 8.0;
  // data objectives (least_squares, logistic_regression, multinomial_logistic)
  std::string data;            // the data file, resolved against the config's folder
  std::string data_location;   // "file:line: objective.data", for errors in the data
  std::string format;          // "csv" or "libsvm"
  bool header = false;         // csv
  std::string label_name;      // csv: label column by header name, or else
  int64_t label_index = -1;    // by index from 0 (negative: from the end)
  std::vector<double> labels;  // the label of each class; empty: the default
  bool standardize = true;
  bool intercept = true;
  double lambda = 0;           // > 0, required
  int64_t batch_size = 1;
  std::string split = "shared"; // "shared" or "sharded"
  std::string x0_location;     // "file:line: objective.x0", checked once d is known
  // all
  std::vector<double> x0; // resolved to length d (data objectives: once loaded; default 0)
};

/// The objective types that are defined by a data set.
const std::vector<std::string>& data_objective_types();

/// True for least_squares, logistic_regression and multinomial_logistic.
bool is_data_objective(const objective_config& c);

struct step_size_config {
  std::string type = "inverse_time"; // "inverse_time", "harmonic" or "constant"
  double alpha = 3.0, mu = 1.0, beta = 1.0; // inverse_time
  double eta = 0.1, cap = 0.5;              // harmonic (eta, cap), constant (eta)
};

struct schedule_config {
  std::string type; // see schedule_types()
  int64_t period = 0; // constant with a period
  std::string rounds; // rounds_rule text; increasing, decreasing, constant
  std::vector<int64_t> times; // explicit
};

/// FedAC's problem constants; unset (NaN) ones come from the objective: the
/// noisy quadratic's smallest and largest curvature and additive noise, the
/// skewed quadratic's mu, L and sigma, a data objective's mu = lambda and its
/// smoothness bound L (sigma must be given).
struct fedac_config {
  double mu = std::numeric_limits<double>::quiet_NaN();
  double L = std::numeric_limits<double>::quiet_NaN();
  double sigma = std::numeric_limits<double>::quiet_NaN();
};

struct method_config {
  std::string name;
  std::string optimizer = "sgd"; // "sgd", "fedac1" or "fedac2"
  fedac_config fedac;
  schedule_config schedule;
  step_size_config step_size;
};

struct runtime_config {
  int64_t threads = 0;             // 0: every core
  int64_t workers_per_actor = 0;   // 0: ceil(N / threads)
  int64_t repetitions_per_actor = 0; // 0: automatic (see run_plan.cpp)
  int64_t max_concurrent_runs = 0; // batches in flight; 0: 4 x threads
};

/// What the server does when workers are lost; see fault_policy in
/// actors/server.hpp.
struct faults_config {
  std::string on_worker_loss = "abort"; // "abort" or "continue"
  double deadline_factor = 10;
  double deadline_floor = 60;        // seconds
  double first_round_deadline = 3600; // seconds
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

/// [tls]: certificates for `serve` (runtime/tls.hpp). A [tls] table turns TLS
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

struct experiment_config {
  std::string name;
  std::string file;
  uint64_t seed = 1;
  int64_t repetitions = 1;
  int64_t T = 1;
  std::vector<int64_t> N;
  int64_t record_every = 1;
  objective_config objective;
  step_size_config step_size;
  std::vector<method_config> methods;
  bool speedup = false; // single-worker runs for s1, and the speed-up per entry
  int64_t speedup_repetitions = 1; // of the single-worker runs; default: repetitions
  runtime_config runtime;
  faults_config faults;
  checkpoint_config checkpoint;
  tls_config tls;
  random_config random;
};

/// The schedule types a config may name.
const std::vector<std::string>& schedule_types();

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

/// Throws config_error if a file the config names (the [tls] files, when TLS
/// is on) is not a readable file on this machine. load_config calls it.
void check_local_files(const experiment_config& c);

} // namespace lsgd
