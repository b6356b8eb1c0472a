// Reads data sets from CSV and LIBSVM/SVMlight text into memory.
#pragma once

#include "numerics/dataset.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace lsgd {

/// A data file that cannot be used; what() is one line, "file:line: reason"
/// (without the line where none applies).
class dataset_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// What the labels must be.
enum class label_kind {
  real,    // any finite number (least squares)
  binary,  // two classes: 0/1 or -1/+1, or the two `label_values` (class 0, class 1)
  classes, // K classes: 0 .. K-1 (K = the largest + 1), or the K `label_values`
};

struct dataset_format {
  std::string format = "csv"; // "csv" or "libsvm"
  // CSV: comma-separated numbers, one sample per line; fields may be quoted.
  bool header = false;        // the first line names the columns
  std::string label_name;     // the label column by its header name, or else
  int64_t label_index = -1;   // by index from 0; negative counts from the end
  label_kind labels = label_kind::real;
  std::vector<double> label_values; // the label of class k; empty: the default
};

/// The content of `file`, a regular file of at most file_limits::data bytes
/// (4 GiB); throws dataset_error if it cannot be read.
std::string read_data_file(const std::string& file);

/// Parses `text`, the content of `file` (which names it in errors), into a
/// dataset: features as read (no scaling, no intercept), labels mapped to
/// class indices for classification. Blank lines are skipped. LIBSVM lines are
/// "label index:value ...", indices from 1 and increasing, absent features 0,
/// "qid:..." and "# comments" ignored; the number of features is the largest
/// index. Throws dataset_error naming the line for a ragged row, a field that
/// is not a number, a label that does not fit `format.labels`, and the like.
dataset parse_dataset(const std::string& text, const std::string& file,
                      const dataset_format& format);

} // namespace lsgd
