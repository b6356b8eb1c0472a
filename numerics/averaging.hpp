// Averaging models in worker-id order, so results never depend on grouping.
#pragma once

#include "numerics/objective.hpp"

#include <vector>

namespace lsgd {

/// out = (1/N) sum_{n=0}^{N-1} models.col(n), summed in column (worker-id)
/// order one column at a time, so the result is the same to the last bit
/// however the columns were gathered.
void average_columns(const const_matrix_ref& models, vector& out);

/// The same into `out[0 .. rows)`, for callers that fill a larger buffer.
void average_columns(const const_matrix_ref& models, double* out);

/// out.col(g) = the average of columns g * group .. (g + 1) * group - 1 of
/// `columns`, each summed in column order as average_columns does.
void average_column_groups(const const_matrix_ref& columns, Eigen::Index group,
                           Eigen::Ref<matrix> out);

/// The same over the members of each group with included[k] set (k = the
/// column's place in its group): the average of the workers a round could
/// use when some were lost. With every member included it gives exactly
/// average_column_groups' numbers. Throws if no member is included.
void average_column_groups_where(const const_matrix_ref& columns,
                                 const std::vector<bool>& included, Eigen::Ref<matrix> out);

/// The error F(xbar) - F* at the first d entries of an averaged model.
double error_of_average(const objective& f, const const_vector_ref& average);

} // namespace lsgd
