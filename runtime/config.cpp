#include "runtime/config.hpp"

#include "numerics/schedule.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace lsgd {

namespace {

constexpr int64_t max_int = std::numeric_limits<int32_t>::max();
constexpr int64_t max_steps = int64_t{1} << 40;
// 80 MB per vector of d doubles (x0, curvature); configs/cluster has d = 1e6.
constexpr int64_t max_dimension = 10'000'000;

template <class T>
std::string join(const std::vector<T>& xs) {
  std::ostringstream out;
  for (size_t i = 0; i < xs.size(); ++i)
    out << (i ? ", " : "") << xs[i];
  return out.str();
}

std::string one_of(const std::string& key, toml_reader& r,
                   const std::vector<std::string>& allowed,
                   std::optional<std::string> fallback = std::nullopt) {
  auto v = r.string(key, std::move(fallback));
  if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
    r.fail(key, "unknown value \"" + v + "\" (expected one of: " + join(allowed) + ")");
  return v;
}

// --- overrides -------------------------------------------------------------

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
  if (!value)
    parsed.insert_or_assign("v", text); // a bare word is a string
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

// --- sections --------------------------------------------------------------

step_size_config read_step_size(toml_reader r, const step_size_config& defaults) {
  step_size_config s = defaults;
  s.type = one_of("type", r, {"inverse_time", "harmonic", "constant"}, defaults.type);
  if (s.type != defaults.type)
    s = step_size_config{s.type};
  if (s.type == "inverse_time") {
    s.alpha = r.number("alpha", 0, false, s.alpha);
    s.mu = r.number("mu", 0, false, s.mu);
    s.beta = r.number("beta", 0, false, s.beta);
  } else if (s.type == "harmonic") {
    s.eta = r.number("eta", 0, false, s.eta);
    s.cap = r.number("cap", 0, false, s.cap);
  } else {
    s.eta = r.number("eta", 0, false, s.eta);
  }
  r.finish();
  return s;
}

// The keys of an objective on a data set; the data are read later (make_plan).
void read_data_objective(toml_reader& r, objective_config& o, const std::string& file) {
  namespace fs = std::filesystem;
  o.data_location = r.location("data");
  const auto data = r.string("data");
  if (data.empty())
    r.fail("data", "must name a data file");
  const fs::path path(data);
  o.data = path.is_absolute() ? data
                              : (fs::path(file).parent_path() / path).lexically_normal().string();
  auto ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  std::optional<std::string> by_extension;
  if (ext == ".csv")
    by_extension = "csv";
  else if (ext == ".libsvm" || ext == ".svm" || ext == ".svmlight")
    by_extension = "libsvm";
  if (!r.has("format") && !by_extension)
    r.fail("format", "missing: the extension of \"" + data
                       + "\" does not tell (\"csv\" or \"libsvm\")");
  o.format = one_of("format", r, {"csv", "libsvm"}, by_extension);
  if (o.format == "csv") {
    o.header = r.boolean("header", false);
    if (auto n = r.node("label_column")) {
      if (auto i = n->value_exact<int64_t>())
        o.label_index = *i;
      else if (auto name = n->value_exact<std::string>(); name && !name->empty())
        o.label_name = *name;
      else
        r.fail("label_column", "expected a column index (from 0, negative from the end) or "
                               "the column's name in the header");
    }
  } else {
    for (const char* key : {"header", "label_column"})
      if (r.has(key))
        r.fail(key, "only for format = \"csv\" (a LIBSVM line starts with its label)");
  }
  if (r.has("labels")) {
    if (o.type == "least_squares")
      r.fail("labels", "only for classification (least squares takes any real label)");
    o.labels = r.numbers("labels");
    for (size_t i = 0; i < o.labels.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (o.labels[i] == o.labels[j])
          r.fail("labels", "lists a label twice");
    if (o.type == "logistic_regression" && o.labels.size() != 2)
      r.fail("labels", "a binary task takes two labels [class 0, class 1], got "
                         + std::to_string(o.labels.size()));
    if (o.labels.size() < 2)
      r.fail("labels", "needs two or more classes");
  }
  o.standardize = r.boolean("standardize", true);
  o.intercept = r.boolean("intercept", true);
  o.lambda = r.number("lambda", 0, false);
  o.batch_size = r.integer("batch_size", 1, 1'000'000, 1);
  o.split = one_of("split", r, {"shared", "sharded"}, "shared");
  o.dimension = 0; // known once the data are read
  o.x0_location = r.location("x0");
  if (r.has("x0"))
    o.x0 = r.numbers("x0");
}

objective_config read_objective(toml_reader r, const std::string& file) {
  objective_config o;
  std::vector<std::string> types{"noisy_quadratic", "skewed_quadratic"};
  types.insert(types.end(), data_objective_types().begin(), data_objective_types().end());
  o.type = one_of("type", r, types);
  if (is_data_objective(o)) {
    read_data_objective(r, o, file);
    r.finish();
    return o;
  }
  if (o.type == "noisy_quadratic") {
    o.dimension = r.integer("dimension", 1, max_dimension, 3);
    if (r.has("curvature")) {
      o.curvature = r.numbers("curvature");
      if (o.curvature.size() == 1)
        o.curvature.assign(static_cast<size_t>(o.dimension), o.curvature[0]);
      if (static_cast<int64_t>(o.curvature.size()) != o.dimension)
        r.fail("curvature", "has " + std::to_string(o.curvature.size())
                              + " entries but dimension = " + std::to_string(o.dimension));
      for (double a : o.curvature)
        if (!(a > 0))
          r.fail("curvature", "entries must be > 0");
    } else {
      for (int64_t i = 1; i <= o.dimension; ++i)
        o.curvature.push_back(static_cast<double>(i));
    }
    o.multiplicative_noise = r.number("multiplicative_noise", 0, true, 1.0);
    o.additive_noise = r.number("additive_noise", 0, true, 0.5);
  } else {
    o.dimension = 1;
    o.mu = r.number("mu", 0, false, 1.0);
    o.L = r.number("L", 0, false, 2.0);
    o.sigma = r.number("sigma", 0, true, 8.0);
  }
  o.x0 = r.numbers("x0");
  if (o.x0.size() == 1)
    o.x0.assign(static_cast<size_t>(o.dimension), o.x0[0]);
  else if (static_cast<int64_t>(o.x0.size()) != o.dimension)
    r.fail("x0", "has " + std::to_string(o.x0.size()) + " entries but the dimension is "
                   + std::to_string(o.dimension));
  r.finish();
  return o;
}

schedule_config read_schedule(toml_reader& parent) {
  schedule_config s;
  auto n = parent.node("schedule");
  if (!n)
    parent.fail("schedule", "missing (required)");
  if (n->is_string()) { // shorthand: schedule = "one_shot"
    s.type = one_of("schedule", parent, schedule_types());
    if (s.type == "increasing" || s.type == "decreasing" || s.type == "constant"
        || s.type == "explicit")
      parent.fail("schedule", "\"" + s.type
                                + "\" needs parameters: write schedule = { type = \""
                                + s.type + "\", ... }");
    return s;
  }
  auto r = parent.table("schedule");
  s.type = one_of("type", r, schedule_types());
  auto read_rounds = [&] {
    auto rn = r.node("rounds");
    if (!rn)
      r.fail("rounds", "missing (required for a " + s.type + " schedule)");
    if (auto i = rn->value_exact<int64_t>()) {
      if (*i < 1)
        r.fail("rounds", "must be >= 1, got " + std::to_string(*i));
      s.rounds = std::to_string(*i);
    } else if (auto text = rn->value_exact<std::string>()) {
      try {
        rounds_rule::parse(*text);
      } catch (const std::invalid_argument& e) {
        r.fail("rounds", e.what());
      }
      s.rounds = *text;
    } else {
      r.fail("rounds", "expected a positive integer or \"N\", \"sqrt(N)\", \"N^p\"");
    }
  };
  if (s.type == "increasing" || s.type == "decreasing") {
    read_rounds();
  } else if (s.type == "constant") {
    if (r.has("period") == r.has("rounds"))
      r.fail("period", "a constant schedule takes exactly one of period and rounds");
    if (r.has("period"))
      s.period = r.integer("period", 1, max_steps);
    else
      read_rounds();
  } else if (s.type == "explicit") {
    s.times = r.integers("times", 1, max_steps);
  }
  r.finish();
  return s;
}

method_config read_method(toml_reader r, const step_size_config& default_step) {
  method_config m;
  m.name = r.string("name");
  if (m.name.empty() || m.name.find_first_of(",\"\n") != std::string::npos)
    r.fail("name", "must be non-empty without commas, quotes or newlines");
  m.optimizer = one_of("optimizer", r, {"sgd", "fedac1", "fedac2"}, "sgd");
  if (r.has("fedac")) {
    if (m.optimizer == "sgd")
      r.fail("fedac", "only for optimizer = \"fedac1\" or \"fedac2\"");
    auto f = r.table("fedac");
    if (f.has("mu"))
      m.fedac.mu = f.number("mu", 0, false);
    if (f.has("L"))
      m.fedac.L = f.number("L", 0, false);
    if (f.has("sigma"))
      m.fedac.sigma = f.number("sigma", 0, true);
    f.finish();
  }
  m.schedule = read_schedule(r);
  m.step_size = r.has("step_size") ? read_step_size(r.table("step_size"), default_step)
                                   : default_step;
  r.finish();
  return m;
}

// A path as the config names it, relative ones taken from the config's folder.
file_setting read_file_setting(toml_reader& r, const std::string& key,
                               const std::string& file) {
  file_setting f;
  f.where = r.location(key);
  const std::filesystem::path p = r.string(key);
  if (p.empty())
    r.fail(key, "must not be empty");
  f.path = p.is_absolute() ? p.string()
                           : (std::filesystem::path(file).parent_path() / p).string();
  return f;
}

tls_config read_tls(toml_reader r, const std::string& file) {
  tls_config t;
  t.enabled = r.boolean("enabled", true);
  // Off: the files may stay in the table, unchecked.
  auto setting = [&](const char* key) {
    return t.enabled || r.has(key) ? read_file_setting(r, key, file) : file_setting{};
  };
  t.certificate = setting("certificate");
  t.key = setting("key");
  t.ca = setting("ca");
  r.finish();
  return t;
}

random_config read_random(toml_reader r) {
  random_config c;
  c.generator = *parse_generator(one_of("generator", r, {"philox4x64-ziggurat",
                                                         "philox4x32-boxmuller"},
                                        generator_name(default_generator)));
  r.finish();
  return c;
}

experiment_config read_experiment(const toml::table& root, const std::string& file) {
  toml_reader r(root, file, "");
  experiment_config c;
  c.file = file;
  auto stem = file.substr(file.find_last_of('/') + 1);
  stem = stem.substr(0, stem.find_last_of('.'));
  c.name = r.string("name", stem);
  c.seed = static_cast<uint64_t>(r.integer("seed", 0, std::numeric_limits<int64_t>::max()));
  c.repetitions = r.integer("repetitions", 1, 1'000'000);
  c.T = r.integer("T", 1, max_steps);
  c.N = r.integers("N", 1, 1'000'000);
  c.record_every = r.integer("record_every", 1, max_steps, 1);
  if (!r.has("objective"))
    r.fail("objective", "missing: add an [objective] table");
  c.objective = read_objective(r.table("objective"), file);
  c.step_size = read_step_size(r.table("step_size"), step_size_config{});
  auto methods = r.node("method");
  if (!methods)
    r.fail("method", "missing: list at least one [[method]]");
  auto arr = methods->as_array();
  if (!arr || !arr->is_array_of_tables() || arr->empty())
    r.fail("method", "expected one or more [[method]] tables");
  for (size_t i = 0; i < arr->size(); ++i) {
    toml_reader m(*arr->get(i)->as_table(), file, "method[" + std::to_string(i) + "]");
    c.methods.push_back(read_method(m, c.step_size));
    if (is_data_objective(c.objective) && c.methods[i].optimizer != "sgd"
        && std::isnan(c.methods[i].fedac.sigma))
      m.fail("fedac", "sigma is required with a data objective: write fedac = { sigma = ... } "
                      "(mu defaults to lambda and L to the smoothness bound; the gradient "
                      "noise of mini-batches is not known in closed form)");
    for (size_t j = 0; j < i; ++j)
      if (c.methods[j].name == c.methods[i].name)
        m.fail("name", "\"" + c.methods[i].name + "\" is used by two methods");
  }
  auto speedup = r.table("speedup");
  c.speedup = speedup.boolean("enabled", false);
  c.speedup_repetitions = speedup.integer("repetitions", 1, 1'000'000'000, c.repetitions);
  speedup.finish();
  auto rt = r.table("runtime");
  c.runtime.threads = rt.integer("threads", 0, 1024, 0);
  c.runtime.workers_per_actor = rt.integer("workers_per_actor", 0, max_int, 0);
  c.runtime.repetitions_per_actor = rt.integer("repetitions_per_actor", 0, max_int, 0);
  c.runtime.max_concurrent_runs = rt.integer("max_concurrent_runs", 0, max_int, 0);
  rt.finish();
  auto faults = r.table("faults");
  c.faults.on_worker_loss = one_of("on_worker_loss", faults, {"abort", "continue"}, "abort");
  c.faults.deadline_factor = faults.number("deadline_factor", 1, true, 10);
  c.faults.deadline_floor = faults.number("deadline_floor", 0, false, 60);
  c.faults.first_round_deadline = faults.number("first_round_deadline", 0, false, 3600);
  faults.finish();
  auto checkpoint = r.table("checkpoint");
  c.checkpoint.enabled = checkpoint.boolean("enabled", true);
  c.checkpoint.interval = checkpoint.number("interval", 0, true, 30);
  checkpoint.finish();
  if (r.has("tls"))
    c.tls = read_tls(r.table("tls"), file);
  c.random = read_random(r.table("random"));
  r.finish();
  return c;
}

} // namespace

const std::vector<std::string>& data_objective_types() {
  static const std::vector<std::string> types{"least_squares", "logistic_regression",
                                              "multinomial_logistic"};
  return types;
}

bool is_data_objective(const objective_config& c) {
  const auto& types = data_objective_types();
  return std::find(types.begin(), types.end(), c.type) != types.end();
}

const std::vector<std::string>& schedule_types() {
  static const std::vector<std::string> types{
    "synchronous", "stich",    "haddadpour", "constant",
    "increasing",  "decreasing", "one_shot", "explicit"};
  return types;
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
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw config_error(file + ": cannot open the config file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

experiment_config load_config(const std::string& file,
                              const std::vector<std::string>& overrides) {
  auto config = parse_config(read_config_file(file), file, overrides);
  check_local_files(config);
  return config;
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
