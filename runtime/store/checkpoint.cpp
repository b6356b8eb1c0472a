#include "runtime/store/checkpoint.hpp"

#include "runtime/io/atomic_file.hpp"

#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lsgd {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* format_name = "localsgd checkpoint 1";

// Arrays of numbers go into CBOR as raw bytes: exact and compact.
template <class T>
json blob(const T* data, size_t count) {
  std::vector<uint8_t> bytes(count * sizeof(T));
  if (count > 0)
    std::memcpy(bytes.data(), data, bytes.size());
  return json::binary(std::move(bytes));
}

template <class T>
std::vector<T> unblob(const json& j) {
  const auto& bytes = j.get_binary();
  if (bytes.size() % sizeof(T) != 0)
    throw std::invalid_argument("an array of " + std::to_string(bytes.size()) + " bytes");
  std::vector<T> out(bytes.size() / sizeof(T));
  if (!out.empty())
    std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

json record_to_json(const run_record& r) {
  return {{"trajectory", blob(r.trajectory.data(), r.trajectory.size())},
          {"round_steps", blob(r.round_steps.data(), r.round_steps.size())},
          {"round_errors", blob(r.round_errors.data(), r.round_errors.size())},
          {"round_workers", blob(r.round_workers.data(), r.round_workers.size())},
          {"messages", r.messages},
          {"bytes", r.bytes},
          {"wall_seconds", r.wall_seconds},
          {"complete", r.complete}};
}

run_record record_from_json(const json& j) {
  run_record r;
  r.trajectory = unblob<double>(j.at("trajectory"));
  r.round_steps = unblob<uint64_t>(j.at("round_steps"));
  r.round_errors = unblob<double>(j.at("round_errors"));
  r.round_workers = unblob<uint32_t>(j.at("round_workers"));
  r.messages = j.at("messages").get<uint64_t>();
  r.bytes = j.at("bytes").get<uint64_t>();
  r.wall_seconds = j.at("wall_seconds").get<double>();
  r.complete = j.at("complete").get<bool>();
  return r;
}

json identity_to_json(const batch_identity& id) {
  return {{"method", id.method}, {"N", id.N},          {"first_rep", id.first_rep},
          {"reps", id.reps},     {"model_size", id.model_size}};
}

// The checks that make a decoded checkpoint safe to hand to a server.
void check_shapes(const server_checkpoint& c, const batch_identity& id) {
  const auto columns = size_t{id.reps} * id.N;
  auto expect = [](bool ok, const std::string& what) {
    if (!ok)
      throw std::invalid_argument(what);
  };
  expect(c.averages.rows() == static_cast<Eigen::Index>(id.model_size)
           && c.averages.cols() == static_cast<Eigen::Index>(id.reps),
         "the averages have the wrong shape");
  expect(c.positions.size() == columns, "wrong number of stream positions");
  expect(c.incarnations.size() == id.N, "wrong number of incarnations");
  expect(c.records.size() == id.reps, "wrong number of records");
  for (const auto& r : c.records)
    expect(r.round_errors.size() == size_t{c.rounds_completed} + 1
             && r.round_steps.size() == r.round_errors.size()
             && r.round_workers.size() == r.round_errors.size(),
           "records do not match the rounds completed");
}

} // namespace

std::string batch_identity::describe() const {
  return "method \"" + method + "\", N = " + std::to_string(N) + ", repetitions "
         + std::to_string(first_rep) + " .. " + std::to_string(first_rep + reps - 1);
}

checkpoint_store::checkpoint_store(std::string results_dir)
  : dir_(std::move(results_dir) + "/checkpoint") {
}

std::string checkpoint_store::file(size_t index) const {
  return dir_ + "/batch-" + std::to_string(index) + ".ckpt";
}

void checkpoint_store::begin(const run_description& run) const {
  std::error_code ec;
  fs::remove_all(dir_, ec);
  fs::create_directories(dir_, ec);
  if (ec)
    throw std::runtime_error("cannot create " + dir_ + ": " + ec.message());
  const json j{{"format", format_name},
               {"config", run.config},
               {"file", run.file},
               {"path", fs::absolute(run.file).lexically_normal().string()},
               {"overrides", run.overrides},
               {"method", run.method},
               {"N", run.N}};
  write_file_atomically(dir_ + "/run.json", j.dump(2) + "\n");
}

namespace {

json read_run_json(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw checkpoint_error(path + ": no checkpoint to resume from");
  try {
    auto j = json::parse(in);
    if (j.at("format") != format_name)
      throw std::invalid_argument("not a " + std::string(format_name));
    return j;
  } catch (const std::exception& e) {
    throw checkpoint_error(path + ": unreadable: " + e.what());
  }
}

} // namespace

std::string checkpoint_store::config_path() const {
  const auto path = dir_ + "/run.json";
  try {
    return read_run_json(path).at("path").get<std::string>();
  } catch (const json::exception& e) {
    throw checkpoint_error(path + ": unreadable: " + e.what());
  }
}

run_description checkpoint_store::description() const {
  const auto path = dir_ + "/run.json";
  const auto j = read_run_json(path);
  try {
    run_description d;
    d.config = j.at("config").get<std::string>();
    d.file = j.at("file").get<std::string>();
    d.overrides = j.at("overrides").get<std::vector<std::string>>();
    d.method = j.at("method").get<std::string>();
    d.N = j.at("N").get<uint32_t>();
    return d;
  } catch (const std::exception& e) {
    throw checkpoint_error(path + ": unreadable: " + e.what());
  }
}

void checkpoint_store::save(size_t index, const batch_identity& id,
                            const server_checkpoint& c) const {
  json records = json::array();
  for (const auto& r : c.records)
    records.push_back(record_to_json(r));
  const json j{{"format", format_name},
               {"batch", identity_to_json(id)},
               {"rounds_completed", c.rounds_completed},
               {"averages", blob(c.averages.data(), static_cast<size_t>(c.averages.size()))},
               {"positions", blob(c.positions.data(), c.positions.size())},
               {"incarnations", blob(c.incarnations.data(), c.incarnations.size())},
               {"records", std::move(records)}};
  const auto bytes = json::to_cbor(j);
  write_file_atomically(file(index), std::string(bytes.begin(), bytes.end()));
}

std::optional<server_checkpoint> checkpoint_store::load(size_t index,
                                                        const batch_identity& id) const {
  const auto path = file(index);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  try {
    const auto j = json::from_cbor(in);
    if (j.at("format") != format_name)
      throw std::invalid_argument("not a " + std::string(format_name));
    if (j.at("batch") != identity_to_json(id))
      throw checkpoint_error(path + ": written for another batch ("
                             + j.at("batch").dump() + "), not " + id.describe()
                             + ": resume with the same config and runtime settings");
    server_checkpoint c;
    c.rounds_completed = j.at("rounds_completed").get<uint32_t>();
    const auto averages = unblob<double>(j.at("averages"));
    if (averages.size() != id.model_size * id.reps)
      throw std::invalid_argument("the averages have the wrong size");
    c.averages = Eigen::Map<const Eigen::MatrixXd>(averages.data(),
                                                   static_cast<Eigen::Index>(id.model_size),
                                                   static_cast<Eigen::Index>(id.reps));
    c.positions = unblob<uint64_t>(j.at("positions"));
    c.incarnations = unblob<uint32_t>(j.at("incarnations"));
    for (const auto& r : j.at("records"))
      c.records.push_back(record_from_json(r));
    check_shapes(c, id);
    return c;
  } catch (const checkpoint_error&) {
    throw;
  } catch (const std::exception& e) {
    throw checkpoint_error(path + ": unreadable: " + e.what());
  }
}

void checkpoint_store::remove() const {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

} // namespace lsgd
