// The lifecycle shared by `run` and `serve` (see session.hpp).
#include "runtime/exec/session.hpp"

#include "runtime/config/config.hpp"
#include "runtime/exec/exit_codes.hpp"
#include "runtime/store/output_folder.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace lsgd {

namespace {

constexpr int exit_failure = exit_code::run_failed;
constexpr int exit_bad_input = exit_code::bad_input;

// Rounds every repetition has completed.
size_t completed_rounds(const std::vector<run_record>& records) {
  size_t rounds = std::numeric_limits<size_t>::max();
  for (const auto& r : records)
    rounds = std::min(rounds, r.round_errors.empty() ? 0 : r.round_errors.size() - 1);
  return records.empty() ? 0 : rounds;
}

// Cuts every record to its first `rounds` rounds and the recorded steps up to
// the last of them: what a failed run can report.
void keep_completed_rounds(const run_plan& plan, std::vector<run_record>& records,
                           size_t rounds) {
  const auto& front = records.front();
  const auto last = front.round_steps()[rounds];
  const auto steps = plan.recorded_steps.steps();
  const auto kept = static_cast<size_t>(
    std::upper_bound(steps.begin(), steps.end(), last) - steps.begin());
  const auto& at = front.round_steps();
  const auto& workers = front.round_workers();
  const auto end = static_cast<std::ptrdiff_t>(rounds) + 1;
  const auto cut = std::make_shared<const batch_rounds>(
    batch_rounds{{at.begin(), at.begin() + end}, {workers.begin(), workers.begin() + end}});
  for (auto& r : records) {
    r.trajectory.resize(kept);
    r.round_errors.resize(rounds + 1);
    r.rounds = cut;
  }
}

// The entries of `plan` whose every run completed, and their records (moved
// out of `result`): what a failed sweep can report. Entries keep their order.
run_plan completed_entries(const run_plan& plan, execution_result& result) {
  run_plan part = plan;
  part.entries.clear();
  part.batches.clear();
  std::vector<run_record> records;
  std::vector<size_t> kept_as(plan.entries.size(), plan.entries.size()); // size: left out
  for (size_t e = 0; e < plan.entries.size(); ++e) {
    const auto& pe = plan.entries[e];
    bool complete = true;
    for (uint32_t rep = 0; rep < pe.reps; ++rep)
      complete = complete && result.records[plan.run_index(e, rep)].complete;
    if (!complete)
      continue;
    kept_as[e] = part.entries.size();
    part.entries.push_back(pe);
    part.entries.back().first_run = records.size();
    for (uint32_t rep = 0; rep < pe.reps; ++rep)
      records.push_back(std::move(result.records[plan.run_index(e, rep)]));
  }
  for (const auto& b : plan.batches)
    if (kept_as[b.entry] < plan.entries.size())
      part.batches.push_back({kept_as[b.entry], b.first_rep, b.reps});
  result.records = std::move(records);
  return part;
}

// What a failed run completed goes to its results folder, marked incomplete:
// a plan of one entry (serve --method) keeps the rounds every repetition
// completed; a sweep keeps its (method, N) entries whose runs all completed.
void write_partial(const run_plan& plan, execution_result& result, const std::string& failure,
                   const std::string& dir) {
  if (result.records.size() != plan.runs())
    return;
  std::string note, said;
  run_plan part;
  const run_plan* kept = &plan;
  if (plan.entries.size() == 1) {
    const auto rounds = completed_rounds(result.records);
    if (rounds == 0)
      return;
    keep_completed_rounds(plan, result.records, rounds);
    note = " (after " + std::to_string(rounds) + " of "
           + std::to_string(schedules::rounds(plan.entries.front().times)) + " rounds)";
    said = "the " + std::to_string(rounds) + " completed rounds";
  } else {
    part = completed_entries(plan, result);
    if (part.entries.empty())
      return;
    kept = &part;
    note = " (" + std::to_string(part.entries.size()) + " of " + std::to_string(plan.entries.size())
           + " method x N entries completed; only they are in these results)";
    said = "the " + std::to_string(part.entries.size()) + " of "
           + std::to_string(plan.entries.size()) + " entries that completed";
  }
  try {
    write_results(dir, *kept, summarize(*kept, result), failure + note);
    std::fprintf(stderr, "localsgd: %s are in %s (complete: false)\n", said.c_str(),
                 dir.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "localsgd: error: %s\n", e.what());
  }
}

// Runs `step`; a bad input it throws is one line on stderr and exit code 2.
template <class F>
int or_bad_input(F&& step) {
  try {
    step();
  } catch (const output_folder_error& e) {
    std::fprintf(stderr, "localsgd: %s\n", e.what());
    return exit_bad_input;
  } catch (const config_error& e) {
    std::fprintf(stderr, "localsgd: config error: %s\n", e.what());
    return exit_bad_input;
  } catch (const checkpoint_error& e) {
    std::fprintf(stderr, "localsgd: cannot resume: %s\n", e.what());
    return exit_bad_input;
  }
  return 0;
}

} // namespace

int open_session(const session_request& request, std::unique_ptr<session>& out) {
  return or_bad_input([&] { out = std::make_unique<session>(request); });
}

session::session(const session_request& request)
  : request_(request), resuming_(!request.resume_dir.empty()) {
  const auto& r = request_;
  std::string parse_as;
  if (resuming_) {
    if (!r.config_file.empty() || !r.overrides.empty() || r.overwrite
        || (!r.out_dir.empty() && r.out_dir != r.resume_dir))
      throw config_error(r.command + " --resume DIR takes no config, --set, --overwrite or "
                                     "other --out: it continues the run stored in DIR");
    const checkpoint_store stored(r.resume_dir);
    description_ = stored.description();
    parse_as = stored.config_path(); // relative files resolve from any folder
    out_dir_ = r.resume_dir;
  } else {
    if (r.config_file.empty())
      throw config_error(r.command + ": the config is required");
    description_.config = read_config_file(r.config_file);
    description_.file = parse_as = r.config_file;
    description_.overrides = r.overrides;
  }
  auto config = parse_config(description_.config, parse_as, description_.overrides);
  if (r.narrow)
    config = r.narrow(std::move(config), description_, resuming_);
  check_local_files(config);
  if (r.threads > 0)
    config.runtime.threads = r.threads;
  plan_ = make_plan(config, description_.layout_threads);
  description_.layout_threads = plan_.batch_threads;
  if (out_dir_.empty())
    out_dir_ = r.out_dir.empty() ? "results/" + plan_.config.name : r.out_dir;
}

// The results folder, before any work: fresh (or, with --overwrite, cleared)
// and writable; on a resume, writable with every checkpoint file intact.
void session::prepare_folder(const checkpoint_store& store) const {
  if (resuming_) {
    check_output_folder(out_dir_);
    store.verify();
  } else {
    prepare_output_folder(out_dir_, request_.overwrite);
  }
}

int session::run(executor& how) {
  const checkpoint_store store(out_dir_, plan_);
  checkpointing ck;
  if (plan_.config.checkpoint.enabled || resuming_) {
    ck.store = &store;
    ck.interval = plan_.config.checkpoint.interval;
    ck.resume = resuming_;
  }
  if (const int refused = or_bad_input([&] {
        how.check(plan_, ck);
        prepare_folder(store);
      }))
    return refused;
  // The checkpoint folder appears only once the run can go ahead.
  const auto ready = [&] {
    if (ck.store && !resuming_)
      store.begin(description_);
  };
  execution_outcome out;
  try {
    out = how.execute(plan_, description_, ck, ready);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "localsgd: error: %s\n", e.what());
    return exit_failure;
  }
  if (!out.failure.empty()) {
    std::fprintf(stderr, "localsgd: %s\n", out.failure.c_str());
    write_partial(plan_, out.result, out.failure, out_dir_);
    if (ck.store && out.resumable)
      std::fprintf(stderr, "localsgd: to continue: %s\n",
                   how.resume_command(out_dir_).c_str());
    return exit_failure;
  }
  try {
    const auto summary = summarize(plan_, out.result);
    write_results(out_dir_, plan_, summary);
    if (ck.store)
      store.remove();
    how.done(plan_, summary, out.result, out_dir_);
    if (const auto diverged = diverged_entries(summary); !diverged.empty()) {
      std::fprintf(stderr, "localsgd: %s: diverged: %s\n",
                   request_.fail_on_divergence ? "error" : "warning", diverged.c_str());
      if (request_.fail_on_divergence)
        return exit_failure;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "localsgd: error: %s\n", e.what());
    return exit_failure;
  }
  return 0;
}

} // namespace lsgd
