// The data set reader: good CSV and LIBSVM files, and every error on a small broken file.
#include "runtime/io/dataset_reader.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace lsgd;

namespace {

const std::string data_dir = std::string(LSGD_SOURCE_DIR) + "/tests/data/";

dataset read(const std::string& file, const dataset_format& format) {
  return parse_dataset(read_data_file(file), file, format);
}

dataset_format csv(label_kind labels, bool header = true) {
  dataset_format f;
  f.header = header;
  f.labels = labels;
  return f;
}

dataset_format libsvm(label_kind labels) {
  dataset_format f;
  f.format = "libsvm";
  f.labels = labels;
  return f;
}

// The error message of reading `file`, or "" if it reads.
std::string error_of(const std::string& file, const dataset_format& format) {
  try {
    read(file, format);
  } catch (const dataset_error& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("CSV and LIBSVM copies of a data set read the same") {
  const auto a = read(data_dir + "tiny.csv", csv(label_kind::binary));
  const auto b = read(data_dir + "tiny.svm", libsvm(label_kind::binary)); // labels -1/+1
  CHECK(a.features.rows() == 3);
  CHECK(a.features.cols() == 12);
  CHECK(a.classes == 2);
  CHECK(a.features == b.features);
  CHECK(a.labels == b.labels);
  CHECK(a.features(0, 0) == 0.5);
  CHECK(a.features(1, 1) == 0.0);
  CHECK(a.labels[0] == 1);
  CHECK(a.labels[2] == 0);
}

TEST_CASE("CSV: label column by name or index, quoted fields, real labels, label values") {
  auto f = csv(label_kind::real);
  f.label_name = "x2";
  const auto by_name = read(data_dir + "tiny.csv", f);
  CHECK(by_name.features.rows() == 3);
  CHECK(by_name.labels[0] == -1.789);
  CHECK(by_name.features(2, 0) == 1); // the old label column is a feature now
  f.label_name.clear();
  f.label_index = 1;
  CHECK(read(data_dir + "tiny.csv", f).labels == by_name.labels);
  f.label_index = -3;
  CHECK(read(data_dir + "tiny.csv", f).labels == by_name.labels);

  const std::string text = "\"a, b\",c\r\n  \"1\" , 2\r\n\r\n3,\"4\"\n";
  const auto q = parse_dataset(text, "q.csv", csv(label_kind::real));
  CHECK(q.features.cols() == 2);
  CHECK(q.features(0, 1) == 3);
  CHECK(q.labels[1] == 4);

  auto named = csv(label_kind::classes, false);
  named.label_values = {7, 3, 5};
  const auto c = parse_dataset("1,5\n2,7\n3,3\n", "c.csv", named);
  CHECK(c.classes == 3);
  CHECK(c.labels == Eigen::Vector3d(2, 0, 1));
  CHECK(parse_dataset("1,0\n2,3\n", "k.csv", csv(label_kind::classes, false)).classes == 4);
}

TEST_CASE("every loader error names the file and line") {
  struct bad_case {
    std::string file;
    dataset_format format;
    std::string expected;
  };
  auto with_labels = [](dataset_format f, std::vector<double> v) {
    f.label_values = std::move(v);
    return f;
  };
  auto label_named = [](std::string name) {
    auto f = csv(label_kind::binary);
    f.label_name = std::move(name);
    return f;
  };
  auto label_at = [](int64_t i) {
    auto f = csv(label_kind::binary);
    f.label_index = i;
    return f;
  };
  const std::vector<bad_case> cases{
    {"bad/missing.csv", csv(label_kind::real), "bad/missing.csv: cannot open the data file (No such file or directory)"},
    {"bad", csv(label_kind::real), "bad: the data file is a folder, not a regular file"},
    {"bad/ragged.csv", csv(label_kind::real), "ragged.csv:4: ragged row: 3 fields, expected 4 (as in line 1)"},
    {"bad/non_numeric.csv", csv(label_kind::real), "non_numeric.csv:3: column 2 (\"b\"): \"abc\" is not a number"},
    {"bad/empty_field.csv", csv(label_kind::real), "empty_field.csv:3: column 1 (\"a\"): empty field"},
    {"bad/nan_feature.csv", csv(label_kind::real), "nan_feature.csv:3: column 3 (\"c\"): \"nan\" is not a finite number"},
    {"bad/label_not_binary.csv", csv(label_kind::binary), "label_not_binary.csv:6: label 2 does not fit a binary task"},
    {"bad/label_mixed_binary.csv", csv(label_kind::binary), "label_mixed_binary.csv:4: label -1, but an earlier row has label 0"},
    {"bad/label_not_class.csv", csv(label_kind::classes), "label_not_class.csv:4: label 1.5 is not a class index"},
    {"bad/label_not_binary.csv", with_labels(csv(label_kind::binary), {0, 1}), "label_not_binary.csv:6: label 2 is not one of the labels (0, 1)"},
    {"bad/header_not_declared.csv", csv(label_kind::real, false), "header_not_declared.csv:1: column 1: \"x1\" is not a number (a header row? set header = true)"},
    {"bad/no_rows.csv", csv(label_kind::real), "no_rows.csv: no data rows"},
    {"bad/unterminated_quote.csv", csv(label_kind::real), "unterminated_quote.csv:3: unterminated quote in field 1"},
    {"tiny.csv", label_named("zzz"), "tiny.csv:1: no column named \"zzz\" in the header"},
    {"tiny.csv", label_at(4), "tiny.csv:1: label_column 4 is outside the 4 columns"},
    {"tiny.csv", label_at(0), "tiny.csv:2: label 0.5 does not fit a binary task"},
    {"bad/bad_pair.svm", libsvm(label_kind::binary), "bad_pair.svm:2: \"3:\" is not index:value"},
    {"bad/zero_index.svm", libsvm(label_kind::binary), "zero_index.svm:2: \"0:0.1\": feature indices start at 1"},
    {"bad/unsorted.svm", libsvm(label_kind::binary), "unsorted.svm:2: \"2:4\": feature index 2 after 3 (indices must increase)"},
    {"bad/bad_label.svm", libsvm(label_kind::binary), "bad_label.svm:2: the label \"abc\" is not a number"},
    {"bad/bad_value.svm", libsvm(label_kind::binary), "bad_value.svm:4: \"2:x\": the value is not a finite number"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.file);
    const auto message = error_of(data_dir + c.file, c.format);
    CAPTURE(message);
    CHECK(message.find(c.expected) != std::string::npos);
    CHECK(message.find('\n') == std::string::npos); // one line
  }
  CHECK(error_of(data_dir + "tiny.csv", csv(label_kind::binary, false)).find(
          "tiny.csv:1: column 1: \"x1\" is not a number") != std::string::npos);
  CHECK(error_of("", csv(label_kind::real)).find("cannot open") != std::string::npos);
  CHECK_THROWS_WITH_AS(parse_dataset("1,0\n2,0\n", "z.csv", csv(label_kind::classes, false)),
                       doctest::Contains("z.csv: every label is 0"), dataset_error);
}
