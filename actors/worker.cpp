#include "actors/worker.hpp"

namespace lsgd {

namespace {

void run_epoch(worker_actor::stateful_pointer<worker_state> self,
               const server_actor& server, const epoch& e, const param_bytes& average) {
  auto& st = self->state;
  if (!st.block) {
    self->quit(caf::make_error(caf::sec::runtime_error,
                               "worker: epoch before the server assigned worker ids"));
    return;
  }
  if (auto err = unpack(average, st.spec.method->model_size(), 1, st.average)) {
    self->quit(caf::make_error(caf::sec::runtime_error, "worker: average: " + *err));
    return;
  }
  st.block->load(st.average.col(0));
  trace snapshots{e.round, st.first_worker, st.spec.workers, {}, {}};
  for (uint64_t t = e.first_step; t < e.last_step; ++t) {
    st.block->step(t);
    if (st.spec.records.records(t + 1)) {
      snapshots.steps.push_back(t + 1);
      append(snapshots.snapshots, st.block->models().topRows(st.spec.dimension));
    }
  }
  // Same sender, same receiver: the trace arrives before the model.
  if (!snapshots.steps.empty())
    self->send(server, std::move(snapshots));
  self->send(server, model{e.round, st.first_worker, st.spec.workers,
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
      st.first_worker = first_worker;
      st.block = st.spec.method->make_block(st.spec.seed, st.spec.repetition,
                                            first_worker, st.spec.workers);
    });
  return {
    [self, server](const epoch& e, const param_bytes& average) {
      run_epoch(self, server, e, average);
    },
  };
}

} // namespace lsgd
