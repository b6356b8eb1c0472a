// Objectives on a data set: ridge least squares, binary and multinomial
// logistic regression. The file is read, scaled and F* found (from the cache
// next to it, or by Newton's method) when the run is planned.
#include "runtime/components/builtins.hpp"

#include "numerics/data_objective.hpp"
#include "numerics/least_squares.hpp"
#include "numerics/logistic_regression.hpp"
#include "numerics/multinomial_logistic.hpp"
#include "runtime/io/dataset_reader.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>

namespace lsgd {

namespace {

// Newton's method factorises the d x d Hessian: beyond this d it would not fit.
constexpr Eigen::Index max_newton_dimension = 5000;

enum class task { least_squares, logistic, multinomial };

// What an objective on data needs once its keys are checked.
struct data_settings {
  std::string type;
  task kind = task::least_squares;
  std::string file;     // the data file, resolved against the config's folder
  std::string location; // "file:line: objective.data", for errors in the data
  dataset_format format;
  bool standardize = true, intercept = true;
  double lambda = 0;
  uint32_t batch_size = 1;
  data_split split = data_split::shared;
  std::vector<double> x0; // empty: zero; one number: for all coordinates
  std::string x0_location;
};

// Everything that changes F, for the F* cache key (keep it stable: a change
// recomputes every cached F*). v2: x* since Eigen's blocking is pinned
// (numerics/product_blocking.hpp); a v1 x* may carry another machine's bits.
std::string optimum_settings(const data_settings& s) {
  std::ostringstream out;
  out << std::hexfloat << "localsgd F* v2; type " << s.type << "; format " << s.format.format
      << "; header " << s.format.header << "; label column " << s.format.label_name << "/"
      << s.format.label_index << "; labels";
  for (double v : s.format.label_values)
    out << " " << v;
  out << "; standardize " << s.standardize << "; intercept " << s.intercept << "; lambda "
      << s.lambda;
  return out.str();
}

std::shared_ptr<const dataset> load_data(const data_settings& s, std::string& bytes) {
  dataset data;
  try {
    bytes = read_data_file(s.file);
    data = parse_dataset(bytes, s.file, s.format);
  } catch (const dataset_error& e) {
    throw config_error(s.location + ": " + e.what());
  }
  if (s.standardize)
    standardize(data);
  if (s.intercept)
    append_intercept(data);
  return std::make_shared<const dataset>(std::move(data));
}

prepared_objective prepare(const data_settings& s) {
  std::string bytes;
  const auto data = load_data(s, bytes);
  std::shared_ptr<const finite_sum> f;
  switch (s.kind) {
    case task::least_squares: f = std::make_shared<least_squares>(data, s.lambda); break;
    case task::logistic: f = std::make_shared<logistic_regression>(data, s.lambda); break;
    case task::multinomial: f = std::make_shared<multinomial_logistic>(data, s.lambda); break;
  }
  // Before anything of length d is allocated: d is features x classes for a
  // multinomial objective, so a small file can ask for terabytes.
  const auto d = f->dimension();
  if (d > max_newton_dimension)
    throw config_error(s.location + ": d = " + std::to_string(d)
                       + " is too large for computing F* by Newton's method (at most "
                       + std::to_string(max_newton_dimension) + ")");
  prepared_objective out;
  if (s.x0.empty() || s.x0.size() == 1) {
    out.x0.assign(static_cast<size_t>(d), s.x0.empty() ? 0.0 : s.x0[0]);
  } else if (static_cast<Eigen::Index>(s.x0.size()) != d) {
    throw config_error(s.x0_location + ": has " + std::to_string(s.x0.size())
                       + " entries but the objective has d = " + std::to_string(d) + " ("
                       + std::to_string(f->data().features_per_sample() - (s.intercept ? 1 : 0))
                       + " features" + (s.intercept ? " + intercept" : "")
                       + (s.kind == task::multinomial
                            ? ", times " + std::to_string(f->data().classes) + " classes"
                            : "")
                       + ")");
  } else {
    out.x0 = s.x0;
  }
  const auto settings = optimum_settings(s);
  optimum opt;
  try {
    opt = find_optimum(*f, s.file + ".optimum.json", optimum_cache_key(bytes, settings),
                       settings);
  } catch (const std::runtime_error& e) {
    throw config_error(s.location + ": F*: " + e.what());
  }
  out.f = std::make_shared<data_objective>(f, opt.x, opt.report.value, s.batch_size, s.split);
  out.optimum = opt.report;
  return out;
}

key_table data_keys(task kind) {
  key_table keys{
    path_key("data", "the data file, relative to the config's folder").needed(),
    text_key("format", "\"csv\" or \"libsvm\" (LIBSVM/SVMlight, indices from 1)")
      .one_of({"csv", "libsvm"})
      .computed("from the extension: .csv, or .libsvm/.svm/.svmlight"),
    boolean_key("header", "csv only: the first line names the columns").def(false),
    integer_or_text_key("label_column", "csv only: the label's column by header name, or its "
                                        "index from 0 (negative counts from the end)")
      .def(int64_t{-1}),
  };
  // Least squares takes any real label; the key is declared to say so.
  keys.push_back(numbers_key("labels", kind == task::least_squares
                                         ? "classification only"
                                         : "the label value of each class in order (binary: "
                                           "[class 0, class 1])")
                   .computed(kind == task::multinomial ? "0, 1, ..., K-1"
                                                       : "0/1 or -1/+1"));
  keys.push_back(boolean_key("standardize", "scale each feature to mean 0 and standard "
                                            "deviation 1, once at load")
                   .def(true));
  keys.push_back(boolean_key("intercept", "append a constant feature 1 (regularised)").def(true));
  keys.push_back(number_key("lambda", "the L2 penalty, and the strong convexity mu of F")
                   .above(0).needed());
  keys.push_back(integer_key("batch_size", "samples per stochastic gradient, drawn with "
                                           "replacement")
                   .at_least(1).at_most(1'000'000).def(int64_t{1}));
  keys.push_back(text_key("split", "\"shared\": every worker samples all rows (the paper's "
                                   "setting); \"sharded\": worker w samples rows "
                                   "floor(w n/N) .. floor((w+1) n/N) - 1")
                   .one_of({"shared", "sharded"}).def(std::string("shared")));
  keys.push_back(x0_key().computed("0"));
  return keys;
}

objective_source make_data_objective(values& v, const std::string& type, task kind) {
  data_settings s;
  s.type = type;
  s.kind = kind;
  s.file = v.text("data");
  s.location = v.location("data");
  auto ext = std::filesystem::path(s.file).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (v.has("format"))
    s.format.format = v.text("format");
  else if (ext == ".csv")
    s.format.format = "csv";
  else if (ext == ".libsvm" || ext == ".svm" || ext == ".svmlight")
    s.format.format = "libsvm";
  else
    v.fail("format", "missing: the extension of \"" + s.file
                       + "\" does not tell (\"csv\" or \"libsvm\")");
  v.set("format", s.format.format);
  if (s.format.format == "csv") {
    s.format.header = v.boolean("header");
    const auto& column = v.value("label_column");
    if (auto i = std::get_if<int64_t>(&column))
      s.format.label_index = *i;
    else if (const auto& name = std::get<std::string>(column); !name.empty())
      s.format.label_name = name;
    else
      v.fail("label_column", "expected a column index (from 0, negative from the end) or the "
                             "column's name in the header");
  } else {
    for (const char* key : {"header", "label_column"})
      if (v.given(key))
        v.fail(key, "only for format = \"csv\" (a LIBSVM line starts with its label)");
  }
  s.format.labels = kind == task::least_squares ? label_kind::real
                    : kind == task::logistic    ? label_kind::binary
                                                : label_kind::classes;
  if (v.has("labels")) {
    if (kind == task::least_squares)
      v.fail("labels", "only for classification (least squares takes any real label)");
    const auto& labels = v.numbers("labels");
    for (size_t i = 0; i < labels.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (labels[i] == labels[j])
          v.fail("labels", "lists a label twice");
    if (kind == task::logistic && labels.size() != 2)
      v.fail("labels", "a binary task takes two labels [class 0, class 1], got "
                         + std::to_string(labels.size()));
    if (labels.size() < 2)
      v.fail("labels", "needs two or more classes");
    s.format.label_values = labels;
  }
  s.standardize = v.boolean("standardize");
  s.intercept = v.boolean("intercept");
  s.lambda = v.number("lambda");
  s.batch_size = static_cast<uint32_t>(v.integer("batch_size"));
  s.split = v.text("split") == "sharded" ? data_split::sharded : data_split::shared;
  if (v.has("x0"))
    s.x0 = v.numbers("x0");
  s.x0_location = v.location("x0");
  return [s] { return prepare(s); };
}

objective_component data_objective_component(std::string name, std::string doc, task kind) {
  objective_component c;
  c.name = name;
  c.doc = std::move(doc);
  c.keys = data_keys(kind);
  c.make = [name, kind](values& v) { return make_data_objective(v, name, kind); };
  return c;
}

} // namespace

objective_component least_squares_objective() {
  return data_objective_component(
    "least_squares", "ridge regression: loss_i = (a_i.x - y_i)^2 / 2, + (lambda/2)|x|^2",
    task::least_squares);
}

objective_component logistic_regression_objective() {
  return data_objective_component(
    "logistic_regression",
    "binary: loss_i = log(1 + e^z) - y_i z with z = a_i.x, y_i in {0, 1}, + (lambda/2)|x|^2",
    task::logistic);
}

objective_component multinomial_logistic_objective() {
  return data_objective_component(
    "multinomial_logistic",
    "K classes, x = (w_0, ..., w_{K-1}): loss_i = log sum_k e^{w_k.a_i} - w_{y_i}.a_i, + "
    "(lambda/2)|x|^2",
    task::multinomial);
}

} // namespace lsgd
