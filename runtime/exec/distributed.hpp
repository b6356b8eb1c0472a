// Runs across processes and machines through CAF's network layer: `serve`
// publishes the server of one (method, N), or the coordinator of a whole
// sweep, and waits for workers; `join` contributes worker actors from another
// process.
#pragma once

#include "runtime/config/config.hpp"
#include "runtime/exec/network_settings.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lsgd {

/// The config narrowed to one method and one N, without single-worker runs,
/// all repetitions in one batch: the run that `serve` drives. `run` on the
/// same narrowed config gives the same numbers. Throws config_error when the
/// choice is ambiguous or names nothing in the config.
experiment_config restrict_to(experiment_config c, const std::string& method, int64_t N);

struct serve_options {
  std::string config_file;
  std::vector<std::string> overrides;
  // One (method, N); both empty/0 on a config of several: the whole sweep
  // (runtime/exec/sweep.hpp).
  std::string method;
  int64_t N = 0;
  std::string listen = "127.0.0.1:0"; // port 0: the OS picks one
  std::string address_file; // once listening, HOST:PORT is written there (address_file.hpp)
  std::string out_dir;
  std::string resume_dir; // continue the interrupted run stored there
  bool overwrite = false; // replace the results of an earlier run in out_dir
  bool fail_on_divergence = false; // exit 1 if a repetition diverged (results written)
  double join_timeout = 60; // seconds until all N workers must have joined
  int threads = 0;
  bool quiet = false;
  network_flags network; // on top of the config's [network]
  bool insecure = false; // listen beyond loopback without TLS (network_settings.hpp)
};

/// Exit codes (exit_codes.hpp): 0 done, 1 a failure (join timeout, lost
/// worker), 2 bad input (also a non-loopback --listen without TLS or --insecure).
int serve(const serve_options& options);

struct join_options {
  std::string address;      // HOST:PORT of a serve, or
  std::string address_file; // a file serve --address-file writes it to (waited for)
  int64_t workers = 1; // worker ids hosted by this process
  int threads = 0;
  // TLS (runtime/exec/tls.hpp): all three or none
  std::string tls_certificate, tls_key, tls_ca;
  std::string link_host; // chain: where this node takes direct links ("": toward the server)
  network_flags network; // on top of [network]'s defaults
  double connect_timeout = network_defaults::connect_timeout_seconds; // per attempt
  double retry_for = network_defaults::retry_for_seconds; // keep retrying a refused connect
};

/// Exit codes (exit_codes.hpp): 0 the server completed the run, 1 the run
/// failed (the server gave up or failed, the connection was lost), 2 bad input,
/// 3 no server reached within the timeouts (with an address file: also the
/// file held no address within --retry-for), or it refused this node.
int join(const join_options& options);

} // namespace lsgd
