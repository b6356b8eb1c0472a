// Averaging models in worker-id order, so results never depend on grouping.
#pragma once

#include "numerics/objective.hpp"

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

/// The error F(xbar) - F* at the first d entries of an averaged model.
double error_of_average(const objective& f, const const_vector_ref& average);

} // namespace lsgd
