#include "numerics/local_optimizer.hpp"

#include <stdexcept>

namespace lsgd {

std::vector<random_stream> block_layout::streams() const {
  std::vector<random_stream> out;
  out.reserve(static_cast<size_t>(columns()));
  for (uint32_t r = 0; r < reps; ++r)
    for (uint32_t w = 0; w < workers; ++w)
      out.emplace_back(seed, first_rep + r, first_worker + w, incarnation, generator);
  return out;
}

std::vector<uint64_t> stream_positions(local_optimizer& block) {
  return block.streams().positions();
}

void seek_streams(local_optimizer& block, const std::vector<uint64_t>& positions) {
  auto& streams = block.streams().columns();
  if (positions.size() != streams.size())
    throw std::invalid_argument("seek_streams: " + std::to_string(positions.size())
                                + " positions for " + std::to_string(streams.size())
                                + " streams");
  for (size_t i = 0; i < streams.size(); ++i)
    streams[i].seek(positions[i]);
}

void restore_streams(local_optimizer& block, const block_layout& layout,
                     const std::vector<uint64_t>& positions,
                     const std::vector<uint32_t>& incarnations) {
  auto& streams = block.streams().columns();
  if (positions.size() != streams.size() || incarnations.size() != layout.workers
      || streams.size() != static_cast<size_t>(layout.columns()))
    throw std::invalid_argument("restore_streams: " + std::to_string(positions.size())
                                + " positions and " + std::to_string(incarnations.size())
                                + " incarnations for a block of "
                                + std::to_string(layout.reps) + " x "
                                + std::to_string(layout.workers));
  size_t c = 0;
  for (uint32_t r = 0; r < layout.reps; ++r)
    for (uint32_t w = 0; w < layout.workers; ++w, ++c) {
      streams[c] = random_stream(layout.seed, layout.first_rep + r, layout.first_worker + w,
                                 incarnations[w], streams[c].kind());
      streams[c].seek(positions[c]);
    }
}

std::shared_ptr<const objective> block_objective(std::shared_ptr<const objective> f,
                                                 const block_layout& layout) {
  auto view = f->for_block(layout);
  return view ? view : f;
}

void load_averages(matrix& models, const const_matrix_ref& averages, uint32_t workers) {
  if (averages.rows() != models.rows() || averages.cols() * workers != models.cols())
    throw std::invalid_argument("load_averages: " + std::to_string(averages.rows()) + " x "
                                + std::to_string(averages.cols()) + " averages for "
                                + std::to_string(models.rows()) + " x "
                                + std::to_string(models.cols()) + " models");
  for (Eigen::Index r = 0; r < averages.cols(); ++r)
    models.middleCols(r * workers, workers).colwise() = averages.col(r);
}

std::vector<double> local_method::expected_errors(uint64_t, const std::vector<uint64_t>&) const {
  return {};
}

} // namespace lsgd
