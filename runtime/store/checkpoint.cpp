#include "runtime/store/checkpoint.hpp"

#include "runtime/io/atomic_file.hpp"
#include "runtime/io/printable.hpp"
#include "runtime/io/regular_file.hpp"

#include <filesystem>

namespace lsgd {

namespace {

namespace fs = std::filesystem;

// The advice of every refusal: --resume again would meet the same file.
const std::string start_again = "; this checkpoint cannot be used: start the run again "
                                "(without --resume; --overwrite replaces the folder)";

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
  throw checkpoint_error(printable(path) + ": " + why + start_again);
}

checkpoint_file::stored_run read_run(const std::string& path) {
  std::string text;
  try {
    text = read_regular_file(path, file_limits::run_json, "run.json");
  } catch (const file_error& e) {
    if (e.missing())
      throw checkpoint_error(printable(path) + ": no checkpoint to resume from");
    throw checkpoint_error(e.what() + start_again);
  }
  try {
    return checkpoint_file::decode_run(text);
  } catch (const std::invalid_argument& e) {
    refuse(path, e.what());
  }
}

} // namespace

checkpoint_store::checkpoint_store(std::string results_dir, const run_plan* plan)
  : dir_(std::move(results_dir) + "/checkpoint") {
  if (!plan)
    return;
  for (const auto& entry : plan->entries)
    shapes_.push_back({plan->recorded_steps.steps().size(), entry.times});
  for (size_t i = 0; i < plan->batches.size(); ++i) {
    identities_.push_back(identity_in(*plan, i));
    entry_of_.push_back(plan->batches[i].entry);
  }
}

batch_identity identity_in(const run_plan& plan, size_t index) {
  const auto& batch = plan.batches[index];
  const auto& entry = plan.entries[batch.entry];
  return {entry.method, entry.N, batch.first_rep, batch.reps,
          static_cast<uint64_t>(entry.local->model_size())};
}

std::string checkpoint_store::file(size_t index) const {
  return dir_ + "/batch-" + std::to_string(index) + ".ckpt";
}

std::string checkpoint_store::run_hash() const {
  std::lock_guard<std::mutex> guard(mutex_);
  if (!run_hash_)
    run_hash_ = read_run(dir_ + "/run.json").hash;
  return *run_hash_;
}

void checkpoint_store::begin(const run_description& run) const {
  std::error_code ec;
  fs::remove_all(dir_, ec);
  fs::create_directories(dir_, ec);
  if (ec)
    throw std::runtime_error("cannot create " + printable(dir_) + ": " + ec.message());
  const auto text
    = checkpoint_file::encode_run(run, fs::absolute(run.file).lexically_normal().string());
  write_file_atomically(dir_ + "/run.json", text);
  std::lock_guard<std::mutex> guard(mutex_);
  run_hash_ = checkpoint_file::decode_run(text).hash;
}

std::string checkpoint_store::config_path() const {
  return read_run(dir_ + "/run.json").path;
}

run_description checkpoint_store::description() const {
  return read_run(dir_ + "/run.json").run;
}

void checkpoint_store::save(size_t index, const batch_identity& id,
                            const server_checkpoint& c) const {
  write_file_atomically(file(index), checkpoint_file::encode_batch(run_hash(), id, c));
}

std::optional<server_checkpoint> checkpoint_store::load(size_t index,
                                                        const batch_identity& id) const {
  const auto path = file(index);
  std::string bytes;
  try {
    bytes = read_regular_file(path, file_limits::checkpoint, "the checkpoint");
  } catch (const file_error& e) {
    if (e.missing())
      return std::nullopt;
    throw checkpoint_error(e.what() + start_again);
  }
  const auto hash = run_hash();
  const auto* shape = index < identities_.size() && id == identities_[index]
                       ? &shapes_[entry_of_[index]]
                       : nullptr;
  try {
    return checkpoint_file::decode_batch(bytes, hash, id, shape);
  } catch (const std::invalid_argument& e) {
    refuse(path, e.what());
  }
}

void checkpoint_store::verify() const {
  for (size_t i = 0; i < identities_.size(); ++i)
    load(i, identities_[i]);
}

void checkpoint_store::remove() const {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

} // namespace lsgd
