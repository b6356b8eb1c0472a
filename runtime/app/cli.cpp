#include "runtime/app/cli.hpp"

#include "runtime/app/keys.hpp"
#include "runtime/components/builtins.hpp"

#include "runtime/store/checkpoint.hpp"
#include "runtime/store/output_folder.hpp"
#include "runtime/app/command_line.hpp"
#include "runtime/app/plot_command.hpp"
#include "runtime/config/config.hpp"
#include "runtime/exec/distributed.hpp"
#include "runtime/exec/exit_codes.hpp"
#include "runtime/store/comparisons.hpp"
#include "runtime/store/provenance.hpp"
#include "runtime/store/results.hpp"
#include "runtime/plan/run_plan.hpp"
#include "runtime/exec/runner.hpp"
#include "runtime/exec/session.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <malloc.h>
#include <memory>
#include <unistd.h>

namespace lsgd {

namespace {

constexpr int exit_failure = 1;
constexpr int exit_bad_input = 2;

// `text` with spaces up to `width` characters (UTF-8: "±" is one).
std::string padded(std::string text, size_t width) {
  size_t chars = 0;
  for (unsigned char c : text)
    chars += (c & 0xc0) != 0x80;
  return text + std::string(width > chars ? width - chars : 0, ' ');
}

void print_table(const run_plan& plan, const experiment_summary& s) {
  // final error and stderr: over the repetitions that did not diverge; "paired":
  // the change of the mean final error against the baseline, with the
  // half-width of its interval (runtime/store/comparisons.hpp).
  std::printf("%-14s %6s %6s %7s %8s %14s %11s %12s  %-26s %10s\n", "method", "N", "reps",
              "rounds", "diverged", "final error", "stderr", "exact", "paired", "speed-up");
  for (const auto& e : s.entries) {
    std::printf("%-14s %6u %6zu %7llu %8zu %14.4e %11.2e", e.method.c_str(), e.N, e.reps,
                static_cast<unsigned long long>(e.rounds), e.divergence.size(),
                e.final_error.mean, e.final_error.se);
    if (!e.exact_trajectory.empty())
      std::printf(" %12.4e", e.exact_trajectory.back());
    else
      std::printf(" %12s", "");
    std::printf("  %s", padded(comparison_cell(e, plan.config.report.baseline), 26).c_str());
    if (e.speedup)
      std::printf(" %6.2f±%.2f  median def. %6.2f±%.2f", e.speedup->mean, e.speedup->se,
                  e.speedup_median->mean, e.speedup_median->se);
    std::printf("\n");
  }
  if (s.s1)
    std::printf("s1 (single worker, mean error at T) = %.4e ± %.1e\n", s.s1->mean, s.s1->se);
}

// Where F* of a data objective came from.
void print_optimum(const run_plan& plan) {
  if (!plan.optimum)
    return;
  const auto& o = *plan.optimum;
  if (o.from_cache)
    std::printf("F* = %.17g from the cache %s (|grad F(x*)| = %.1e)\n", o.value,
                o.cache_file.c_str(), o.gradient_norm);
  else
    std::printf("F* = %.17g by Newton's method, %d iterations (|grad F(x*)| = %.1e)%s%s\n",
                o.value, o.newton_iterations, o.gradient_norm,
                o.note.empty() ? "" : "; not from the cache: ", o.note.c_str());
}

void print_plan(const run_plan& plan) {
  std::printf("%s: %zu runs (%zu entries, %lld repetitions each), T = %lld, %s\n",
              plan.config.name.c_str(), plan.runs(), plan.entries.size(),
              static_cast<long long>(plan.config.repetitions),
              static_cast<long long>(plan.config.T), plan.f->describe().c_str());
  print_optimum(plan);
  for (const auto& e : plan.entries) {
    std::printf("  %-14s N = %-5u R = %-6llu times:", e.method.c_str(), e.N,
                static_cast<unsigned long long>(schedules::rounds(e.times)));
    for (size_t i = 1; i < e.times.size() && i <= 8; ++i)
      std::printf(" %llu", static_cast<unsigned long long>(e.times[i]));
    if (e.times.size() > 9)
      std::printf(" ... %llu", static_cast<unsigned long long>(e.times.back()));
    std::printf("   (%s)\n", e.local->describe().c_str());
  }
}

// serve's and join's watch over their peers (runtime/exec/network_settings.hpp):
// given, they override the config's [network] (join: its defaults).
void add_network_flags(CLI::App* cmd, network_flags& net) {
  const network_config defaults;
  const auto seconds_text = [](double s) {
    char text[32];
    std::snprintf(text, sizeof text, "%g s", s);
    return std::string(text);
  };
  cmd->add_option_function<double>(
       "--heartbeat", [&net](double v) { net.heartbeat = v; },
       "seconds between BASP heartbeats (default: network.heartbeat, "
         + seconds_text(defaults.heartbeat) + ")")
    ->check(CLI::PositiveNumber);
  cmd->add_option_function<double>(
       "--peer-timeout", [&net](double v) { net.peer_timeout = v; },
       "seconds of silence after which a peer counts as lost (default: network.peer_timeout, "
         + seconds_text(defaults.peer_timeout) + ")")
    ->check(CLI::PositiveNumber);
}

// `run`'s way to execute a session: every run in this process.
class in_process : public executor {
public:
  in_process(bool progress, bool quiet) : progress_(progress), quiet_(quiet) {}

  execution_outcome execute(const run_plan& plan, const run_description&,
                            const checkpointing& ck,
                            const std::function<void()>& ready) override {
    ready();
    execution_outcome out;
    try {
      out.result = lsgd::execute(plan, progress_, ck);
    } catch (run_error& e) {
      out.failure = e.what();
      out.result = std::move(e.finished());
      // In one process the same config fails the same way again; a resume can
      // only help where the failure came from outside (a checkpoint that could
      // not be written, say on a full disk, or an actor that ended early).
      out.resumable = e.code() == run_errc::checkpoint_failed || e.code() == run_errc::incomplete;
    }
    return out;
  }

  std::string resume_command(const std::string& dir) const override {
    return "localsgd run --resume " + dir;
  }

  void done(const run_plan& plan, const experiment_summary& summary,
            const execution_result& result, const std::string& dir) override {
    if (quiet_)
      return;
    print_optimum(plan);
    print_table(plan, summary);
    std::printf("%zu runs in %.2f s on %u threads; results in %s\n", plan.runs(),
                result.wall_seconds, plan.threads, dir.c_str());
  }

private:
  bool progress_;
  bool quiet_;
};

} // namespace

int run_cli(int argc, char** argv) {
  // Rounds allocate and free model-sized buffers (8 MB at d = 1e6) again and
  // again: keep them in the heap instead of mapping fresh, zeroed pages each
  // time (32 MB is glibc's largest mmap threshold). For glibc's malloc (a
  // program built on the package, or -DLSGD_ALLOCATOR=system); jemalloc,
  // localsgd's own allocator, keeps them by itself and ignores these.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  note_command({std::vector<std::string>(argv, argv + argc), utc_now(), caf_version()});
  register_builtin_components();
  CLI::App app{"localsgd: Local SGD with communication schedules, on CAF actors"};
  app.require_subcommand(1);
  app.footer(exit_code::help);
  app.set_version_flag("--version", version_line());

  std::string config_file;
  std::string out_dir;
  std::vector<std::string> overrides;
  int threads = -1;
  bool quiet = false;
  bool overwrite = false;
  bool fail_on_divergence = false;

  std::string resume_dir;
  auto run = app.add_subcommand("run", "run every method, N and repetition of a config");
  run->add_option("config", config_file, "the TOML config");
  run->add_option("--out", out_dir, "results folder (default results/<name>)");
  run->add_option("--resume", resume_dir,
                  "continue the interrupted run whose results folder this is");
  run->add_option("--set", overrides, "override a config key: key.path=value")
    ->take_all();
  run->add_option("--threads", threads, "worker threads (default: the config's, or all cores)")
    ->check(CLI::Range(1, 1024));
  run->add_flag("--quiet", quiet, "no progress line and no table");
  run->add_flag("--overwrite", overwrite, "replace the results of an earlier run in --out");
  run->add_flag("--fail-on-divergence", fail_on_divergence,
                "exit 1 (after writing the results) if any repetition diverged");

  auto check = app.add_subcommand("check", "validate a config and print its runs");
  check->add_option("config", config_file, "the TOML config")->required();
  check->add_option("--set", overrides, "override a config key: key.path=value")->take_all();

  serve_options serving;
  auto serve_cmd = app.add_subcommand(
    "serve", "serve a config (or one method and N of it) to workers on other nodes");
  serve_cmd->add_option("config", serving.config_file, "the TOML config");
  serve_cmd->add_option("--resume", serving.resume_dir,
                        "continue the interrupted run whose results folder this is");
  serve_cmd->add_option("--listen", serving.listen, "HOST:PORT to listen on (port 0: any)")
    ->capture_default_str();
  serve_cmd->add_option("--address-file", serving.address_file,
                        "once listening, write HOST:PORT to this file (for join "
                        "--address-file); removed when serve ends");
  serve_cmd->add_option("--method", serving.method, "serve one method (with --n); without both, the whole config");
  serve_cmd->add_option("--n", serving.N, "serve one N (with --method); without both, the whole config")
    ->check(count_option());
  serve_cmd->add_option("--out", serving.out_dir, "results folder (default results/<name>)");
  serve_cmd->add_option("--set", serving.overrides, "override a config key: key.path=value")
    ->take_all();
  serve_cmd->add_option("--join-timeout", serving.join_timeout,
                        "seconds to wait for all N workers")
    ->capture_default_str()
    ->check(seconds_option());
  serve_cmd->add_option("--threads", serving.threads, "threads")->check(CLI::Range(1, 1024));
  serve_cmd->add_flag("--quiet", serving.quiet, "no closing line");
  serve_cmd->add_flag("--insecure", serving.insecure,
                      "listen beyond loopback without TLS: anyone who reaches the port can "
                      "make this process allocate 4 GB per connection");
  add_network_flags(serve_cmd, serving.network);
  serve_cmd->add_flag("--fail-on-divergence", serving.fail_on_divergence,
                      "exit 1 (after writing the results) if a repetition diverged");
  serve_cmd->add_flag("--overwrite", serving.overwrite,
                      "replace the results of an earlier run in --out");

  join_options joining;
  auto join_cmd = app.add_subcommand("join", "host workers of a run served elsewhere");
  join_cmd->add_option("address", joining.address, "HOST:PORT of localsgd serve");
  join_cmd->add_option("--address-file", joining.address_file,
                       "instead of the address: wait (up to --retry-for) for serve "
                       "--address-file to write it to this file");
  join_cmd->add_option("--workers", joining.workers, "worker ids to host on this node")
    ->capture_default_str()
    ->check(count_option());
  join_cmd->add_option("--threads", joining.threads, "threads")->check(CLI::Range(1, 1024));
  join_cmd->add_option("--tls-certificate", joining.tls_certificate,
                       "TLS: this node's certificate (PEM), signed by the --tls-ca");
  join_cmd->add_option("--tls-key", joining.tls_key, "TLS: its private key (PEM, unencrypted)");
  join_cmd->add_option("--tls-ca", joining.tls_ca,
                       "TLS: the CA certificate that signs the server's and ours");
  join_cmd->add_option("--link-host", joining.link_host,
                       "in a chain, the address this node's door listens on for its "
                       "neighbours (default: this host's address toward the server)");
  join_cmd->add_option("--connect-timeout", joining.connect_timeout,
                       "seconds for each attempt to connect and complete CAF's handshake")
    ->capture_default_str()
    ->check(CLI::PositiveNumber);
  join_cmd->add_option("--retry-for", joining.retry_for,
                       "seconds to keep retrying while no server listens yet (or the "
                       "--address-file holds no address; backoff 0.1 .. 2 s), then exit 3")
    ->capture_default_str()
    ->check(CLI::NonNegativeNumber);
  add_network_flags(join_cmd, joining.network);

  std::string keys_of;
  auto keys = app.add_subcommand("keys", "print every config key with its type, default and doc");
  keys->add_option("name", keys_of,
                   "only a component (e.g. increasing), a table (faults) or a kind (objective, "
                   "optimizer, schedule, step_size)");

  std::string plot_dir;
  auto plot = app.add_subcommand("plot", "draw the figures of a results folder (matplotlib)");
  plot->add_option("dir", plot_dir, "the results folder")->required();

  app.add_subcommand("version", "print the version");

  if (const auto unknown = unknown_subcommand(app, argc, argv)) {
    std::fprintf(stderr, "%s\n", unknown->c_str());
    return exit_bad_input;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return report_parse_error(app, e);
  }

  if (app.got_subcommand("version")) {
    std::printf("%s\n", version_line().c_str());
    return 0;
  }
  if (*plot)
    return draw_figures(plot_dir);
  if (*keys) {
    if (print_keys(keys_of))
      return 0;
    std::fprintf(stderr, "localsgd: keys: nothing is named \"%s\" (see localsgd keys)\n",
                 keys_of.c_str());
    return exit_bad_input;
  }
  if (*serve_cmd)
    return serve(serving);
  if (*join_cmd)
    return join(joining);

  session_request request;
  request.command = *run ? "run" : "check";
  request.config_file = config_file;
  request.overrides = overrides;
  request.out_dir = out_dir;
  request.resume_dir = *run ? resume_dir : "";
  request.threads = threads;
  request.overwrite = overwrite;
  request.fail_on_divergence = fail_on_divergence;
  std::unique_ptr<session> s;
  if (const int refused = open_session(request, s))
    return refused;
  if (*check) {
    print_plan(s->plan());
    return 0;
  }
  in_process how(!quiet && ::isatty(STDERR_FILENO), quiet);
  return s->run(how);
}

} // namespace lsgd
