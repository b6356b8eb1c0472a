#include "actors/worker.hpp"

#include "numerics/averaging.hpp"

namespace lsgd {

namespace {

using self_ptr = worker_actor::stateful_pointer<worker_state>;

// Appends the iterates after step t to the trace: the virtual averages if
// this block hosts every worker (far fewer bytes), else every column.
void snapshot(self_ptr self, trace& out) {
  auto& st = self->state;
  const auto& models = st.block->models();
  const auto d = st.spec.dimension;
  if (!out.averaged) {
    append(out.snapshots, models.topRows(d));
    return;
  }
  const auto N = static_cast<Eigen::Index>(st.spec.total_workers);
  const auto reps = static_cast<Eigen::Index>(st.layout.reps);
  auto& means = self->state.means;
  means.resize(d, reps);
  for (Eigen::Index r = 0; r < reps; ++r)
    average_columns(models.block(0, r * N, d, N), means.col(r).data());
  append(out.snapshots, means);
}

void run_epoch(self_ptr self, const server_actor& server, const epoch& e,
               const param_bytes& averages) {
  auto& st = self->state;
  if (!st.block) {
    self->quit(caf::make_error(caf::sec::runtime_error,
                               "worker: epoch before the server assigned worker ids"));
    return;
  }
  if (auto err = unpack(averages, st.spec.method->model_size(), st.layout.reps, st.averages)) {
    self->quit(caf::make_error(caf::sec::runtime_error, "worker: averages: " + *err));
    return;
  }
  st.block->load(st.averages);
  trace snapshots{e.round, st.layout.first_worker, st.layout.workers,
                  st.layout.workers == st.spec.total_workers, {}, {}};
  // Run the local steps in stretches between recorded steps.
  uint64_t at = e.first_step;
  for (auto t : st.spec.records.steps_in(e.first_step, e.last_step)) {
    st.block->advance(at, t);
    snapshots.steps.push_back(t);
    snapshot(self, snapshots);
    at = t;
  }
  st.block->advance(at, e.last_step);
  // Same sender, same receiver: the trace arrives before the model.
  if (!snapshots.steps.empty())
    self->send(server, std::move(snapshots));
  self->send(server, model{e.round, st.layout.first_worker, st.layout.workers,
                           pack(st.block->models())});
}

} // namespace

worker_actor::behavior_type worker(worker_actor::stateful_pointer<worker_state> self,
                                   worker_spec spec, server_actor server) {
  self->state.spec = std::move(spec);
  self->link_to(server);
  self->request(server, caf::infinite, atom::join_v, self->state.spec.workers)
    .then([self](uint32_t first_worker) {
      auto& st = self->state;
      st.layout = block_layout{st.spec.seed, st.spec.first_rep, st.spec.reps, first_worker,
                               st.spec.workers};
      st.block = st.spec.method->make_block(st.layout);
    });
  return {
    [self, server](const epoch& e, const param_bytes& averages) {
      run_epoch(self, server, e, averages);
    },
  };
}

} // namespace lsgd
