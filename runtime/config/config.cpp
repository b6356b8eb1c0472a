#include "runtime/config/config.hpp"
#include "runtime/io/printable.hpp"
#include "runtime/io/regular_file.hpp"
#include "runtime/config/toml_guard.hpp"
#include "runtime/config/toml_reader.hpp"

#include "runtime/config/key_reader.hpp"
#include "numerics/schedule.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

namespace lsgd {

namespace {

// --- overrides -------------------------------------------------------------

// True if `text` is well-formed UTF-8 (shortest forms, no surrogates).
bool valid_utf8(const std::string& text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > text.size())
      return false;
    uint32_t cp = n == 1 ? c : c & (0x7f >> n);
    for (size_t k = 1; k < n; ++k) {
      const auto d = static_cast<unsigned char>(text[i + k]);
      if ((d >> 6) != 0x2)
        return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n;
  }
  return true;
}

void apply_override(toml::table& root, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw config_error("--set " + assignment + ": expected key=value");
  const std::string path = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  toml::table parsed;
  const std::string line = "v = " + text;
  bool value = false;
  if (!find_unsafe_text(line)) {
    try {
      parsed = toml::parse(line);
      value = true;
    } catch (const toml::parse_error&) {
    }
  }
  if (!value) {
    // A bare word is a string (--set name=run1, rounds=sqrt(N)); anything
    // else that is not TOML (a stray quote, bytes that are not UTF-8) is an
    // error rather than a surprising string.
    const bool bare = !text.empty() && valid_utf8(text)
                      && std::all_of(text.begin(), text.end(), [](unsigned char ch) {
                           return ch >= 0x80 || std::isalnum(ch) || std::strchr("_-.+/:@^()*", ch);
                         });
    if (!bare)
      throw config_error("--set " + printable(path) + "=" + printable(text)
                         + ": not a TOML value (write a string in quotes: " + printable(path)
                         + "='\"text\"')");
    parsed.insert_or_assign("v", text);
  }
  std::vector<std::string> keys;
  std::stringstream in(path);
  for (std::string k; std::getline(in, k, '.');)
    keys.push_back(k);
  toml::node* at = &root;
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    if (auto t = at->as_table()) {
      if (!t->contains(keys[i]))
        t->insert(keys[i], toml::table{});
      at = t->get(keys[i]);
    } else if (auto a = at->as_array()) {
      size_t idx = 0;
      try {
        idx = std::stoul(keys[i]);
      } catch (const std::exception&) {
        throw config_error("--set " + path + ": \"" + keys[i] + "\" is not an array index");
      }
      if (idx >= a->size())
        throw config_error("--set " + path + ": index " + keys[i] + " out of range");
      at = a->get(idx);
    } else {
      throw config_error("--set " + path + ": \"" + keys[i] + "\" is not a table");
    }
  }
  if (auto t = at->as_table())
    t->insert_or_assign(keys.back(), *parsed.get("v"));
  else
    throw config_error("--set " + path + ": the parent of \"" + keys.back()
                       + "\" is not a table");
}

// --- the fixed tables --------------------------------------------------------

constexpr int64_t max_int = std::numeric_limits<int32_t>::max();
constexpr int64_t max_steps = int64_t{1} << 40;
constexpr int64_t max_repetitions = 1'000'000;
constexpr int64_t max_workers = 1'000'000;
constexpr size_t max_name_length = 100;

key_table top_keys() {
  return {
    text_key("name", "names the results folder results/<name>: a file name")
      .computed("the config's file name without .toml"),
    integer_key("seed", "the stream of worker n in repetition r is keyed by (seed, r, n): every "
                        "method and N sees the same noise for the same (r, n)")
      .at_least(0).needed(),
    integer_key("repetitions", "independent runs of every method and N")
      .at_least(1).at_most(max_repetitions).needed(),
    integer_key("T", "local steps per worker").at_least(1).at_most(max_steps).needed(),
    integers_key("N", "numbers of workers to run every method with")
      .at_least(1).at_most(max_workers).distinct().needed(),
    integer_key("record_every", "the virtual average is observed at t = 0, k, 2k, ..., T "
                                "(monitoring only: no round, no bytes)")
      .at_least(1).at_most(max_steps).def(int64_t{1}),
  };
}

const runtime_config runtime_defaults{};
const fault_policy fault_defaults{};
const checkpoint_config checkpoint_defaults{};
const random_config random_defaults{};
const network_config network_defaults{};
const report_config report_defaults{};
const cluster_model cluster_defaults{};
const cluster_config reduction_defaults{};

} // namespace

const std::vector<section_table>& section_tables() {
  static const std::vector<section_table> tables{
    {"", "the experiment: every [[method]] x every N x every repetition", top_keys()},
    {"speedup", "single-worker runs (method \"single\", N = 1) for s1 and the speed-up of "
                "every entry",
     {boolean_key("enabled", "run the single workers and report speedup = s1 / E_N")
        .def(false),
      integer_key("repetitions", "of the single workers: cheap, and s1's error enters every "
                                 "speed-up")
        .at_least(1).at_most(1'000'000'000).computed("repetitions")}},
    {"runtime", "how the runs are laid out on threads; never changes the numbers",
     {integer_key("threads", "actor system threads (0: every core; --threads overrides)")
        .at_least(0).at_most(1024).def(runtime_defaults.threads),
      integer_key("workers_per_actor", "worker ids one worker actor hosts (0: N, or "
                                       "ceil(N / threads) when there are fewer batches than "
                                       "threads)")
        .at_least(0).at_most(max_int).def(runtime_defaults.workers_per_actor),
      integer_key("repetitions_per_actor", "repetitions one server and its workers run "
                                           "together (0: automatic)")
        .at_least(0).at_most(max_int).def(runtime_defaults.repetitions_per_actor),
      integer_key("max_concurrent_runs", "batches in flight at once (0: 4 x threads)")
        .at_least(0).at_most(max_int).def(runtime_defaults.max_concurrent_runs),
      number_key("memory_limit", "GB the run may hold (records, models, monitoring), "
                                 "estimated before any work; more is refused")
        .at_least(0).def(runtime_defaults.memory_limit)
        .computed("0: 0.8 x this machine's memory"),
      number_key("trace_chunk_mb", "MB of snapshots per trace message (all worker actors of a "
                                   "batch, at least one recorded step); the server holds one "
                                   "or two at a time")
        .above(0).at_most(1e6).def(runtime_defaults.trace_chunk_mb)}},
    {"faults", "what the server does when workers are lost",
     {text_key("on_worker_loss", "\"abort\": the run fails, the completed rounds are written; "
                                 "\"continue\": rounds average the workers that remain, and a "
                                 "worker that joins later takes over lost ids")
        .one_of({"abort", "continue"})
        .def(std::string(fault_defaults.continue_on_loss ? "continue" : "abort")),
      number_key("deadline_factor", "a round may take this many times its H_i steps at the "
                                    "slowest time per step seen so far")
        .at_least(1).def(fault_defaults.deadline_factor),
      number_key("deadline_floor", "seconds a round may always take")
        .above(0).def(fault_defaults.deadline_floor),
      number_key("first_round_deadline", "seconds for round 1, before any step time is known")
        .above(0).def(fault_defaults.first_round_deadline)}},
    {"faults.inject", "losses an in-process run simulates, through the real server and the "
                      "[faults] policy (the same losses for any thread count)",
     {integers_key("lose_workers", "worker ids to lose, paired by position with lose_rounds; "
                                   "ids >= N do not apply")
        .at_least(0).at_most(max_workers).def(std::vector<int64_t>{}),
      integers_key("lose_rounds", "the round at whose start lose_workers[i] is lost (it takes "
                                  "no part in it); rounds past the last do not apply")
        .at_least(1).at_most(int64_t{schedules::max_rounds}).def(std::vector<int64_t>{}),
      number_key("probability", "each worker is lost at the start of each round with this "
                                "probability, from its own random stream")
        .at_least(0).below(1).def(0.0),
      integer_key("replace_after", "rounds after a loss at which a replacement takes the "
                                   "lowest free id, with fresh random streams (0: never)")
        .at_least(0).at_most(int64_t{schedules::max_rounds}).def(int64_t{0}),
      boolean_key("stragglers", "with [cluster_model]: a worker whose simulated local steps "
                                "take longer than the round's deadline ([faults] rule, in "
                                "simulated seconds) is lost in that round")
        .def(false)}},
    {"record", "what the results record besides the recorded steps (record_every)",
     // "all" is the default: the error after every round is what rounds.csv and the
     // error-vs-round plot show, and it costs one F per round, little unless rounds are
     // many and F is a pass over a data set (sync on breast cancer: 20000 rounds, most
     // of its time). Final errors, trajectories and time-to-target never need the others.
     {text_key("rounds", "\"all\": F(xbar) - F* after every round; \"recorded\": only after "
                         "rounds that end at a recorded step (and the last); the others have "
                         "no error (empty in rounds.csv)")
        .one_of({"all", "recorded"})
        .def(std::string("all"))}},
    {"checkpoint", "checkpoints after rounds into <results>/checkpoint, for run/serve --resume",
     {boolean_key("enabled", "write checkpoints").def(checkpoint_defaults.enabled),
      number_key("interval", "seconds between a batch's checkpoints (0: after every round)")
        .at_least(0).def(checkpoint_defaults.interval)}},
    {"random", "the random streams: one per (seed, repetition, worker id, incarnation)",
     {text_key("generator", "\"philox4x32-boxmuller\": Philox4x32-10 and Box-Muller, "
                            "vectorized (the same bits on every SIMD path); "
                            "\"philox4x64-ziggurat\": Philox4x64-10 and Boost's ziggurat, the "
                            "numbers published before it")
        .one_of({generator_name(generator_kind::philox4x32_boxmuller),
                 generator_name(generator_kind::philox4x64_ziggurat)})
        .def(generator_name(random_defaults.generator))}},
    {"network", "how `localsgd serve` watches its peers (join: its flags; it learns the config "
                "only once connected)",
     {number_key("heartbeat", "seconds between CAF's BASP heartbeats (--heartbeat overrides)")
        .above(0).at_most(3600).def(network_defaults.heartbeat),
      number_key("peer_timeout", "seconds of silence after which a peer counts as lost, more "
                                 "than heartbeat (--peer-timeout overrides)")
        .above(0).at_most(86400).def(network_defaults.peer_timeout),
      integer_key("middleman_workers", "CAF's threads that deserialize what arrives")
        .at_least(1).at_most(64).def(network_defaults.middleman_workers)}},
    {"report", "what the results compare: every method with a baseline at the same N, paired "
               "over the repetitions, which share their random numbers",
     {text_key("baseline", "the [[method]] every other is compared with (paired difference "
                           "and ratio of the final errors and of the speed-ups)")
        .computed("the first [[method]]"),
      number_key("confidence", "level of the paired confidence intervals (Student t)")
        .above(0).below(1).def(report_defaults.confidence),
      numbers_key("targets", "error levels F - F* > 0: per entry, the first recorded step "
                             "(and simulated time) where the mean error is at or below each")
        .above(0).def(report_defaults.targets)}},
    {"tls", "TLS between the nodes of `localsgd serve` (all three files, PEM)",
     {boolean_key("enabled", "TLS on").computed("true when the table is given"),
      path_key("certificate", "this node's certificate, signed by the CA")
        .computed("required when enabled"),
      path_key("key", "its private key, unencrypted").computed("required when enabled"),
      path_key("ca", "the CA that signs every node's certificate")
        .computed("required when enabled")}},
    {"cluster", "how `localsgd serve` reduces a round across processes (`run` in one process "
                "always uses the star: the same numbers)",
     {text_key("reduction", "\"star\": every node sends its ids' models to the server; "
                            "\"chain\": the nodes, in worker-id order, pass one running sum "
                            "along in chunks, node to node, and the last sends it to the server")
        .one_of({"star", "chain"})
        .def(std::string(reduction_defaults.chain ? "chain" : "star")),
      integer_key("chunk_kb", "KB of running sum per chain message")
        .at_least(1).at_most(1 << 20).def(reduction_defaults.chunk_kb)}},
    {"cluster_model", "a simulated cluster: every round's end time, from the round steps "
                      "(own random stream; never changes the SGD numbers)",
     {number_key("step_seconds", "mean seconds per local step of a worker")
        .above(0).needed(),
      number_key("step_spread", "lognormal sigma of a worker's step time per round (0: "
                                "constant)")
        .at_least(0).at_most(10).def(cluster_defaults.spread),
      number_key("slow_fraction", "the ceil(fraction N) workers of lowest id are slow")
        .at_least(0).at_most(1).def(cluster_defaults.slow_fraction),
      number_key("slow_factor", "how many times slower the slow workers are")
        .at_least(1).def(cluster_defaults.slow_factor),
      number_key("latency", "seconds per message").at_least(0).def(cluster_defaults.latency),
      number_key("bandwidth", "bits per second per link (10 GbE: 1e10)").above(0).needed(),
      text_key("reduction", "\"star\": the server's link carries N models each way, "
                            "2 (L + N B / W); \"chain\": pipelined node to node, "
                            "2 (N L + B / W)")
        .one_of({"star", "chain"}).def(std::string("star")),
      number_key("bytes_per_model", "bytes of one model message")
        .above(0).computed("8 x the objective's dimension")}},
  };
  return tables;
}

namespace {

const key_table& section_keys(const std::string& name) {
  for (const auto& s : section_tables())
    if (s.name == name)
      return s.keys;
  throw std::logic_error("no config section " + name);
}

// --- components --------------------------------------------------------------

// The component of `reg` that `type` names at `key` of `r`, or a one-line error.
template <class C>
const C& lookup(const registry<C>& reg, toml_reader& r, const std::string& key,
                const std::string& type) {
  if (const auto* c = reg.find(type))
    return *c;
  std::string names;
  for (const auto& n : reg.names())
    names += (names.empty() ? "" : ", ") + n;
  r.fail(key, "unknown value \"" + type + "\" (expected one of: " + names + ")");
}

template <class C, class Made = decltype(std::declval<C>().make(std::declval<values&>()))>
chosen<Made> make_chosen(const C& c, values settings) {
  auto made = c.make(settings);
  return {c.name, std::move(settings), std::move(made)};
}

chosen<objective_source> read_objective(toml_reader r, const std::string& file) {
  const auto type = r.string("type");
  const auto& c = lookup(objective_registry(), r, "type", type);
  auto settings = read_keys(r, c.keys, file);
  r.finish();
  return make_chosen(c, std::move(settings));
}

// A step size table; absent keys come from `inherit` when it is of the same type.
chosen<step_size> read_step_size(toml_reader r, const std::string& file,
                                 const chosen<step_size>* inherit) {
  const auto type = r.string("type", inherit ? inherit->type : std::string("inverse_time"));
  const auto& c = lookup(step_size_registry(), r, "type", type);
  const bool same = inherit && inherit->type == type;
  auto settings = read_keys(r, c.keys, file, same ? &inherit->settings : nullptr);
  r.finish();
  return make_chosen(c, std::move(settings));
}

chosen<schedule_rule> read_schedule(toml_reader& method, const std::string& file) {
  const auto* n = method.node("schedule");
  if (!n)
    method.fail("schedule", "missing (required)");
  if (auto name = n->value_exact<std::string>()) { // shorthand: schedule = "one_shot"
    const auto& c = lookup(schedule_registry(), method, "schedule", *name);
    if (!c.shorthand)
      method.fail("schedule", "\"" + c.name + "\" needs parameters: write schedule = { type = \""
                                + c.name + "\", ... }");
    toml::table empty;
    toml_reader none(empty, file, method.path().empty() ? "schedule" : method.path() + ".schedule");
    return make_chosen(c, read_keys(none, c.keys, file));
  }
  auto r = method.table("schedule");
  const auto type = r.string("type");
  const auto& c = lookup(schedule_registry(), r, "type", type);
  auto settings = read_keys(r, c.keys, file);
  r.finish();
  return make_chosen(c, std::move(settings));
}

// The local update rule: `optimizer` names it, its keys are in its own
// sub-table; the sub-tables of other rules are refused.
chosen<local_rule> read_rule(toml_reader& method, const std::string& file) {
  const auto type = method.string("optimizer", std::string("sgd"));
  const auto& c = lookup(local_rule_registry(), method, "optimizer", type);
  for (const auto& other : local_rule_registry().all()) {
    if (other.table.empty() || other.table == c.table || !method.has(other.table))
      continue;
    std::string owners;
    for (const auto& o : local_rule_registry().all())
      if (o.table == other.table)
        owners += std::string(owners.empty() ? "" : " or ") + "\"" + o.name + "\"";
    method.fail(other.table, "only for optimizer = " + owners);
  }
  if (c.table.empty()) {
    toml::table empty;
    toml_reader none(empty, file, method.path());
    return make_chosen(c, read_keys(none, c.keys, file));
  }
  auto r = method.table(c.table);
  auto settings = read_keys(r, c.keys, file);
  r.finish();
  return make_chosen(c, std::move(settings));
}

method_config read_method(toml_reader r, const std::string& file,
                          const chosen<step_size>& default_step) {
  method_config m;
  m.name = r.string("name");
  if (m.name.empty() || m.name.find_first_of(",\"\n") != std::string::npos)
    r.fail("name", "must be non-empty without commas, quotes or newlines");
  m.rule = read_rule(r, file);
  m.schedule = read_schedule(r, file);
  m.step_size = r.has("step_size") ? read_step_size(r.table("step_size"), file, &default_step)
                                   : default_step;
  r.finish();
  return m;
}

// The experiment's name names its results folder: one file name, short.
void check_name(toml_reader& r, const std::string& name) {
  const bool control = std::any_of(name.begin(), name.end(),
                                    [](unsigned char ch) { return ch < 0x20 || ch == 0x7f; });
  if (name.empty() || name == "." || name == ".." || control
      || name.find_first_of("/\\") != std::string::npos)
    r.fail("name", "must be a file name (no slashes, control characters, \".\" or \"..\"): it "
                   "names the results folder");
  if (name.size() > max_name_length)
    r.fail("name", "is " + std::to_string(name.size()) + " characters long; at most "
                     + std::to_string(max_name_length));
}

tls_config read_tls(const values& v) {
  tls_config t;
  t.enabled = v.has("enabled") ? v.boolean("enabled") : true;
  // Off: the files may stay in the table, unchecked.
  auto setting = [&](const char* key) {
    if (!t.enabled && !v.has(key))
      return file_setting{};
    if (!v.has(key))
      v.fail(key, "missing (required)");
    return file_setting{v.text(key), v.location(key)};
  };
  t.certificate = setting("certificate");
  t.key = setting("key");
  t.ca = setting("ca");
  return t;
}

// [faults.inject]; the two lists pair up by position.
fault_injection read_injection(const values& v) {
  fault_injection f;
  f.enabled = true;
  f.lose_workers = v.integers("lose_workers");
  f.lose_rounds = v.integers("lose_rounds");
  if (f.lose_workers.size() != f.lose_rounds.size())
    v.fail("lose_rounds", "has " + std::to_string(f.lose_rounds.size()) + " rounds for "
                            + std::to_string(f.lose_workers.size())
                            + " lose_workers: give one round per worker id");
  f.probability = v.number("probability");
  f.replace_after = v.integer("replace_after");
  f.stragglers = v.boolean("stragglers");
  return f;
}

// [report]; the baseline must name a method (resolved in `v` for the echo).
report_config read_report(values& v, const std::vector<method_config>& methods) {
  report_config out;
  out.baseline = v.has("baseline") ? v.text("baseline") : methods.front().name;
  std::string names;
  for (const auto& m : methods)
    names += (names.empty() ? "" : ", ") + m.name;
  if (std::none_of(methods.begin(), methods.end(),
                   [&](const method_config& m) { return m.name == out.baseline; }))
    v.fail("baseline", "\"" + printable(out.baseline) + "\" is not a [[method]] (the methods: "
                         + printable(names) + ")");
  v.set("baseline", out.baseline);
  out.confidence = v.number("confidence");
  out.targets = v.numbers("targets");
  return out;
}

// [cluster_model]; the bandwidth is given in bits per second, kept in bytes.
cluster_model read_cluster_model(const values& v) {
  cluster_model m;
  m.step_seconds = v.number("step_seconds");
  m.spread = v.number("step_spread");
  m.slow_fraction = v.number("slow_fraction");
  m.slow_factor = v.number("slow_factor");
  m.latency = v.number("latency");
  m.bandwidth = v.number("bandwidth") / 8;
  m.shape = v.text("reduction") == "chain" ? reduction_shape::chain : reduction_shape::star;
  m.bytes_per_model = v.has("bytes_per_model") ? v.number("bytes_per_model") : 0;
  return m;
}

experiment_config read_experiment(const toml::table& root, const std::string& file) {
  toml_reader r(root, file, "");
  experiment_config c;
  c.file = file;
  auto top = read_keys(r, section_keys(""), file);
  auto stem = file.substr(file.find_last_of('/') + 1);
  stem = stem.substr(0, stem.find_last_of('.'));
  c.name = top.has("name") ? top.text("name") : stem;
  top.set("name", c.name);
  check_name(r, c.name);
  c.seed = static_cast<uint64_t>(top.integer("seed"));
  c.repetitions = top.integer("repetitions");
  c.T = top.integer("T");
  c.N = top.integers("N");
  c.record_every = top.integer("record_every");
  if (!r.has("objective"))
    r.fail("objective", "missing: add an [objective] table");
  c.objective = read_objective(r.table("objective"), file);
  c.step_size = read_step_size(r.table("step_size"), file, nullptr);
  auto methods = r.node("method");
  if (!methods)
    r.fail("method", "missing: list at least one [[method]]");
  auto arr = methods->as_array();
  if (!arr || !arr->is_array_of_tables() || arr->empty())
    r.fail("method", "expected one or more [[method]] tables");
  for (size_t i = 0; i < arr->size(); ++i) {
    toml_reader m(*arr->get(i)->as_table(), file, "method[" + std::to_string(i) + "]");
    c.methods.push_back(read_method(m, file, c.step_size));
    for (size_t j = 0; j < i; ++j)
      if (c.methods[j].name == c.methods[i].name)
        m.fail("name", "\"" + c.methods[i].name + "\" is used by two methods");
  }
  auto section = [&](const std::string& name) {
    auto t = r.table(name);
    auto v = read_keys(t, section_keys(name), file);
    t.finish();
    return v;
  };
  auto speedup = section("speedup");
  c.speedup = speedup.boolean("enabled");
  c.speedup_repetitions = speedup.has("repetitions") ? speedup.integer("repetitions")
                                                     : c.repetitions;
  speedup.set("repetitions", c.speedup_repetitions);
  auto rt = section("runtime");
  c.runtime.threads = rt.integer("threads");
  c.runtime.workers_per_actor = rt.integer("workers_per_actor");
  c.runtime.repetitions_per_actor = rt.integer("repetitions_per_actor");
  c.runtime.max_concurrent_runs = rt.integer("max_concurrent_runs");
  c.runtime.memory_limit = rt.number("memory_limit");
  c.runtime.trace_chunk_mb = rt.number("trace_chunk_mb");
  auto faults_table = r.table("faults");
  auto faults = read_keys(faults_table, section_keys("faults"), file);
  c.faults.continue_on_loss = faults.text("on_worker_loss") == "continue";
  c.faults.deadline_factor = faults.number("deadline_factor");
  c.faults.deadline_floor = faults.number("deadline_floor");
  c.faults.first_round_deadline = faults.number("first_round_deadline");
  std::optional<values> inject;
  if (faults_table.has("inject")) {
    auto t = faults_table.table("inject");
    inject = read_keys(t, section_keys("faults.inject"), file);
    t.finish();
    c.inject = read_injection(*inject);
    if (!c.faults.continue_on_loss)
      faults.fail("on_worker_loss", "must be \"continue\" with [faults.inject]: under \"abort\" "
                                    "the first injected loss would end the run");
  }
  faults_table.finish();
  auto checkpoint = section("checkpoint");
  c.checkpoint.enabled = checkpoint.boolean("enabled");
  c.checkpoint.interval = checkpoint.number("interval");
  auto random = section("random");
  c.random.generator = *parse_generator(random.text("generator"));
  auto network = section("network");
  c.network.heartbeat = network.number("heartbeat");
  c.network.peer_timeout = network.number("peer_timeout");
  c.network.middleman_workers = network.integer("middleman_workers");
  if (!(c.network.peer_timeout > c.network.heartbeat))
    network.fail("peer_timeout", "must be longer than heartbeat (a healthy peer would be lost)");
  auto report = section("report");
  c.report = read_report(report, c.methods);
  c.sections = {{"", top},          {"speedup", speedup},       {"runtime", rt},
                {"faults", faults},  {"checkpoint", checkpoint}, {"random", random},
                {"network", network}, {"report", report}};
  if (inject)
    c.sections.emplace_back("faults.inject", *inject);
  if (r.has("cluster_model")) { // only when given, so other summaries stay as they were
    auto cm = section("cluster_model");
    c.cluster = read_cluster_model(cm);
    c.sections.emplace_back("cluster_model", cm);
  }
  if (r.has("record")) { // only when given, so other summaries stay as they were
    auto rec = section("record");
    c.record_rounds = rec.text("rounds") == "recorded" ? round_errors::recorded : round_errors::all;
    c.sections.emplace_back("record", rec);
  }
  if (c.inject.stragglers && !c.cluster)
    faults_table.fail("inject", "stragglers = true needs a [cluster_model]: the deadline is "
                                "kept in simulated seconds");
  if (r.has("cluster")) { // only when given, so other summaries stay as they were
    auto cl = section("cluster");
    c.reduction.chain = cl.text("reduction") == "chain";
    c.reduction.chunk_kb = cl.integer("chunk_kb");
    c.sections.emplace_back("cluster", cl);
  }
  if (r.has("tls")) {
    auto tls = section("tls");
    c.tls = read_tls(tls);
    c.sections.emplace_back("tls", tls);
  }
  r.finish();
  return c;
}

} // namespace

method_config default_method(const experiment_config& c, const std::string& name,
                             const std::string& schedule) {
  method_config m;
  m.name = name;
  const auto* sgd = local_rule_registry().find("sgd");
  const auto* s = schedule_registry().find(schedule);
  if (!sgd || !s)
    throw std::logic_error("the built-in components are not registered");
  toml::table empty;
  toml_reader none(empty, c.file, "");
  m.rule = make_chosen(*sgd, read_keys(none, sgd->keys, c.file));
  m.schedule = make_chosen(*s, read_keys(none, s->keys, c.file));
  m.step_size = c.step_size;
  return m;
}

experiment_config parse_config(const std::string& text, const std::string& file,
                               const std::vector<std::string>& overrides) {
  if (auto problem = find_unsafe_text(text))
    throw config_error(file + ":" + std::to_string(problem->line)
                       + ": TOML syntax error: " + problem->reason);
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw config_error(file + ":" + std::to_string(e.source().begin.line)
                       + ": TOML syntax error: " + std::string(e.description()));
  }
  for (const auto& o : overrides)
    apply_override(root, o);
  return read_experiment(root, file);
}

std::string read_config_file(const std::string& file) {
  try {
    return read_regular_file(file, file_limits::config, "the config file");
  } catch (const file_error& e) {
    throw config_error(e.what());
  }
}

experiment_config load_config(const std::string& file,
                              const std::vector<std::string>& overrides) {
  auto config = parse_config(read_config_file(file), file, overrides);
  check_local_files(config);
  return config;
}

std::string toml_library_version() {
  return std::to_string(TOML_LIB_MAJOR) + "." + std::to_string(TOML_LIB_MINOR) + "."
         + std::to_string(TOML_LIB_PATCH);
}

void check_local_files(const experiment_config& c) {
  if (!c.tls.enabled)
    return;
  for (const auto* f : {&c.tls.certificate, &c.tls.key, &c.tls.ca}) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(f->path, ec) || !std::ifstream(f->path))
      throw config_error(f->where + ": cannot read the file " + f->path);
  }
}

} // namespace lsgd
