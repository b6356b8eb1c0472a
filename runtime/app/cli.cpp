#include "runtime/app/cli.hpp"

#include "runtime/store/checkpoint.hpp"
#include "runtime/config/config.hpp"
#include "runtime/exec/distributed.hpp"
#include "runtime/store/results.hpp"
#include "runtime/plan/run_plan.hpp"
#include "runtime/exec/runner.hpp"
#include "runtime/exec/session.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace lsgd {

namespace {

constexpr int exit_failure = 1;
constexpr int exit_bad_input = 2;

void print_table(const experiment_summary& s) {
  std::printf("%-14s %6s %6s %7s %14s %11s %12s %10s\n", "method", "N", "reps", "rounds",
              "final error", "stderr", "exact", "speed-up");
  for (const auto& e : s.entries) {
    std::printf("%-14s %6u %6zu %7llu %14.4e %11.2e", e.method.c_str(), e.N, e.reps,
                static_cast<unsigned long long>(e.rounds), e.final_error.mean,
                e.final_error.se);
    if (!e.exact_trajectory.empty())
      std::printf(" %12.4e", e.exact_trajectory.back());
    else
      std::printf(" %12s", "");
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

// Debian's python3 carries python3-matplotlib even where another python3
// comes first on PATH.
int draw_figures(const std::string& dir) {
  const std::string python = ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
  const std::string quoted = "'" + dir + "'";
  if (dir.find('\'') != std::string::npos) {
    std::fprintf(stderr, "localsgd: plot: unsupported quote in folder name\n");
    return exit_bad_input;
  }
  const std::string command = python + " '" LSGD_PLOT_SCRIPT "' " + quoted;
  const int status = std::system(command.c_str());
  return status == 0 ? 0 : exit_failure;
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
    } catch (const run_error& e) {
      out.failure = e.what();
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
    print_table(summary);
    std::printf("%zu runs in %.2f s on %u threads; results in %s\n", plan.runs(),
                result.wall_seconds, plan.threads, dir.c_str());
  }

private:
  bool progress_;
  bool quiet_;
};

} // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"localsgd: Local SGD with communication schedules, on CAF actors"};
  app.require_subcommand(1);

  std::string config_file;
  std::string out_dir;
  std::vector<std::string> overrides;
  int threads = -1;
  bool quiet = false;

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

  auto check = app.add_subcommand("check", "validate a config and print its runs");
  check->add_option("config", config_file, "the TOML config")->required();
  check->add_option("--set", overrides, "override a config key: key.path=value")->take_all();

  serve_options serving;
  auto serve_cmd = app.add_subcommand(
    "serve", "serve one method and N of a config to workers on other nodes");
  serve_cmd->add_option("config", serving.config_file, "the TOML config");
  serve_cmd->add_option("--resume", serving.resume_dir,
                        "continue the interrupted run whose results folder this is");
  serve_cmd->add_option("--listen", serving.listen, "HOST:PORT to listen on (port 0: any)")
    ->capture_default_str();
  serve_cmd->add_option("--method", serving.method, "the method, if the config lists several");
  serve_cmd->add_option("--n", serving.N, "N, if the config lists several");
  serve_cmd->add_option("--out", serving.out_dir, "results folder (default results/<name>)");
  serve_cmd->add_option("--set", serving.overrides, "override a config key: key.path=value")
    ->take_all();
  serve_cmd->add_option("--join-timeout", serving.join_timeout,
                        "seconds to wait for all N workers")
    ->capture_default_str()
    ->check(CLI::PositiveNumber);
  serve_cmd->add_option("--threads", serving.threads, "threads")->check(CLI::Range(1, 1024));
  serve_cmd->add_flag("--quiet", serving.quiet, "no closing line");

  join_options joining;
  auto join_cmd = app.add_subcommand("join", "host workers of a run served elsewhere");
  join_cmd->add_option("address", joining.address, "HOST:PORT of localsgd serve")->required();
  join_cmd->add_option("--workers", joining.workers, "worker ids to host on this node")
    ->capture_default_str();
  join_cmd->add_option("--threads", joining.threads, "threads")->check(CLI::Range(1, 1024));
  join_cmd->add_option("--tls-certificate", joining.tls_certificate,
                       "TLS: this node's certificate (PEM), signed by the --tls-ca");
  join_cmd->add_option("--tls-key", joining.tls_key, "TLS: its private key (PEM, unencrypted)");
  join_cmd->add_option("--tls-ca", joining.tls_ca,
                       "TLS: the CA certificate that signs the server's and ours");

  std::string plot_dir;
  auto plot = app.add_subcommand("plot", "draw the figures of a results folder (matplotlib)");
  plot->add_option("dir", plot_dir, "the results folder")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : exit_bad_input;
  }

  if (*plot)
    return draw_figures(plot_dir);
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
  std::unique_ptr<session> s;
  try {
    s = std::make_unique<session>(request);
  } catch (const config_error& e) {
    std::fprintf(stderr, "localsgd: config error: %s\n", e.what());
    return exit_bad_input;
  } catch (const checkpoint_error& e) {
    std::fprintf(stderr, "localsgd: cannot resume: %s\n", e.what());
    return exit_bad_input;
  }
  if (*check) {
    print_plan(s->plan());
    return 0;
  }
  in_process how(!quiet && ::isatty(STDERR_FILENO), quiet);
  return s->run(how);
}

} // namespace lsgd
