#include "runtime/store/checkpoint_file.hpp"

#include "runtime/io/printable.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <cstdint>
#include <cstring>
#include <string_view>

namespace lsgd {

namespace checkpoint_file {

namespace {

using json = nlohmann::json;

constexpr const char* run_format = "localsgd run 2";
constexpr const char* batch_format = "localsgd checkpoint 2";
constexpr size_t digest_size = 32;

std::string sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1
      || size != digest_size)
    throw std::runtime_error("SHA-256 failed (OpenSSL)");
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

[[noreturn]] void refuse(const std::string& why) {
  throw std::invalid_argument(why);
}

void expect(bool ok, const std::string& why) {
  if (!ok)
    refuse(why);
}

// A count or size: a non-negative integer (a float or a negative number
// would convert with undefined behaviour).
uint64_t natural(const json& j, const char* name, uint64_t max = UINT64_MAX) {
  expect(j.is_number_unsigned() && j.get<uint64_t>() <= max,
         std::string(name) + " is not an integer in 0 .. " + std::to_string(max));
  return j.get<uint64_t>();
}

// Arrays of numbers go into CBOR as raw bytes: exact and compact.
template <class T>
json blob(const T* data, size_t count) {
  std::vector<uint8_t> bytes(count * sizeof(T));
  if (count > 0)
    std::memcpy(bytes.data(), data, bytes.size());
  return json::binary(std::move(bytes));
}

template <class T>
std::vector<T> unblob(const json& j, const char* name) {
  expect(j.is_binary(), std::string(name) + " is not an array of numbers");
  const auto& bytes = j.get_binary();
  expect(bytes.size() % sizeof(T) == 0,
         std::string(name) + ": " + std::to_string(bytes.size()) + " bytes is no whole number of entries");
  std::vector<T> out(bytes.size() / sizeof(T));
  if (!out.empty())
    std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

json record_to_json(const run_record& r) {
  return {{"trajectory", blob(r.trajectory.data(), r.trajectory.size())},
          {"round_steps", blob(r.round_steps().data(), r.round_steps().size())},
          {"round_errors", blob(r.round_errors.data(), r.round_errors.size())},
          {"round_workers", blob(r.round_workers().data(), r.round_workers().size())},
          {"messages", r.messages},
          {"bytes", r.bytes},
          {"wall_seconds", r.wall_seconds},
          {"complete", r.complete}};
}

run_record record_from_json(const json& j) {
  run_record r;
  r.trajectory = unblob<double>(j.at("trajectory"), "trajectory");
  r.rounds = std::make_shared<const batch_rounds>(
    batch_rounds{unblob<uint64_t>(j.at("round_steps"), "round_steps"),
                 unblob<uint32_t>(j.at("round_workers"), "round_workers")});
  r.round_errors = unblob<double>(j.at("round_errors"), "round_errors");
  r.messages = natural(j.at("messages"), "messages");
  r.bytes = natural(j.at("bytes"), "bytes");
  r.wall_seconds = j.at("wall_seconds").get<double>();
  r.complete = j.at("complete").get<bool>();
  return r;
}

json identity_to_json(const batch_identity& id) {
  return {{"method", id.method}, {"N", id.N},          {"first_rep", id.first_rep},
          {"reps", id.reps},     {"model_size", id.model_size}};
}

json run_to_json(const run_description& run, const std::string& absolute_path) {
  return {{"config", run.config}, {"file", run.file},      {"path", absolute_path},
          {"overrides", run.overrides}, {"method", run.method}, {"N", run.N},
          {"layout_threads", run.layout_threads}};
}

// Every size and count a server or the launcher relies on.
void check_shapes(const server_checkpoint& c, const batch_identity& id,
                  const batch_shape* shape) {
  const auto columns = uint64_t{id.reps} * id.N;
  expect(c.averages.rows() == static_cast<Eigen::Index>(id.model_size)
           && c.averages.cols() == static_cast<Eigen::Index>(id.reps),
         "the averages have the wrong shape");
  expect(c.positions.size() == columns, "wrong number of stream positions");
  expect(c.incarnations.size() == id.N, "wrong number of incarnations");
  expect(c.records.size() == id.reps, "wrong number of records");
  const auto rounds = size_t{c.rounds_completed};
  if (shape) {
    const auto R = shape->times.size() - 1;
    expect(rounds <= R, std::to_string(rounds) + " rounds completed of a schedule of "
                          + std::to_string(R));
    for (const auto& r : c.records) {
      expect(r.trajectory.size() == shape->trajectory_length,
             "records of " + std::to_string(r.trajectory.size()) + " steps, the run records "
               + std::to_string(shape->trajectory_length));
      expect(r.complete == (rounds == R), "records marked complete after round "
                                            + std::to_string(rounds) + " of " + std::to_string(R));
    }
  }
  for (const auto& r : c.records) {
    expect(r.round_errors.size() == rounds + 1 && r.round_steps().size() == rounds + 1
             && r.round_workers().size() == rounds + 1,
           "records do not match the rounds completed");
    expect(*r.rounds == *c.records.front().rounds, "records of one batch differ in their rounds");
    expect(!r.trajectory.empty(), "an empty trajectory");
    expect(r.complete == c.records.front().complete, "records of one batch differ in completion");
    for (size_t k = 0; k <= rounds; ++k) {
      expect(r.round_workers()[k] <= id.N, "more workers in a round than N");
      if (shape)
        expect(r.round_steps()[k] == shape->times[k], "round steps that are not the schedule's");
    }
  }
}

} // namespace

std::string encode_run(const run_description& run, const std::string& absolute_path) {
  const auto body = run_to_json(run, absolute_path);
  const json j{{"format", run_format}, {"run", body}, {"sha256", hex(sha256(body.dump()))}};
  return j.dump(2) + "\n";
}

stored_run decode_run(const std::string& text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception&) {
    refuse("not JSON");
  }
  try {
    expect(j.is_object() && j.value("format", json()) == run_format,
           std::string("not a ") + run_format + " file");
    const auto& body = j.at("run");
    const auto hash = hex(sha256(body.dump()));
    expect(j.at("sha256") == hash, "damaged or edited: its SHA-256 does not match its content");
    stored_run out;
    out.run.config = body.at("config").get<std::string>();
    out.run.file = body.at("file").get<std::string>();
    out.run.overrides = body.at("overrides").get<std::vector<std::string>>();
    out.run.method = body.at("method").get<std::string>();
    out.run.N = static_cast<uint32_t>(natural(body.at("N"), "N", UINT32_MAX));
    // Absent in checkpoints written before it: the layout of today's threads.
    if (body.contains("layout_threads"))
      out.run.layout_threads
        = static_cast<uint32_t>(natural(body.at("layout_threads"), "layout_threads", 1024));
    out.path = body.at("path").get<std::string>();
    out.hash = hash;
    return out;
  } catch (const json::exception& e) {
    refuse(printable(e.what()));
  }
}

std::string encode_batch(const std::string& run_hash, const batch_identity& id,
                         const server_checkpoint& c) {
  json records = json::array();
  for (const auto& r : c.records)
    records.push_back(record_to_json(r));
  const json j{{"format", batch_format},
               {"run", run_hash},
               {"batch", identity_to_json(id)},
               {"rounds_completed", c.rounds_completed},
               {"averages", blob(c.averages.data(), static_cast<size_t>(c.averages.size()))},
               {"positions", blob(c.positions.data(), c.positions.size())},
               {"incarnations", blob(c.incarnations.data(), c.incarnations.size())},
               {"records", std::move(records)}};
  const auto cbor = json::to_cbor(j);
  std::string bytes(cbor.begin(), cbor.end());
  bytes += sha256(bytes);
  return bytes;
}

server_checkpoint decode_batch(const std::string& bytes, const std::string& run_hash,
                               const batch_identity& id, const batch_shape* shape) {
  expect(bytes.size() > digest_size, "too short to be a checkpoint (truncated?)");
  const auto content = std::string_view(bytes).substr(0, bytes.size() - digest_size);
  expect(sha256(content) == std::string_view(bytes).substr(content.size()),
         "damaged or edited: its SHA-256 does not match its content");
  json j;
  try {
    j = json::from_cbor(content.data(), content.data() + content.size());
  } catch (const json::exception&) {
    refuse("not CBOR");
  }
  try {
    expect(j.is_object() && j.value("format", json()) == batch_format,
           std::string("not a ") + batch_format + " file");
    expect(j.at("run") == run_hash, "belongs to another run (another config, --set or seed) "
                                    "than run.json");
    if (j.at("batch") != identity_to_json(id))
      refuse("written for another batch (" + printable(j.at("batch").dump()) + "), not "
             + id.describe());
    server_checkpoint c;
    c.rounds_completed
      = static_cast<uint32_t>(natural(j.at("rounds_completed"), "rounds_completed", UINT32_MAX));
    const auto averages = unblob<double>(j.at("averages"), "averages");
    expect(averages.size() == id.model_size * id.reps, "the averages have the wrong size");
    c.averages = Eigen::Map<const Eigen::MatrixXd>(averages.data(),
                                                   static_cast<Eigen::Index>(id.model_size),
                                                   static_cast<Eigen::Index>(id.reps));
    c.positions = unblob<uint64_t>(j.at("positions"), "positions");
    c.incarnations = unblob<uint32_t>(j.at("incarnations"), "incarnations");
    const auto& records = j.at("records");
    expect(records.is_array() && records.size() == id.reps, "wrong number of records");
    for (const auto& r : records)
      c.records.push_back(record_from_json(r));
    check_shapes(c, id, shape);
    for (auto& r : c.records) // equal (check_shapes): one copy for the batch
      r.rounds = c.records.front().rounds;
    return c;
  } catch (const json::exception& e) {
    refuse(printable(e.what()));
  }
}

} // namespace checkpoint_file

std::string batch_identity::describe() const {
  return "method \"" + printable(method) + "\", N = " + std::to_string(N) + ", repetitions "
         + std::to_string(first_rep) + " .. " + std::to_string(first_rep + reps - 1);
}

} // namespace lsgd
