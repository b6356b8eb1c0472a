#include "actors/worker.hpp"

#include "numerics/averaging.hpp"

namespace lsgd {

namespace {

using self_ptr = worker_actor::stateful_pointer<worker_state>;

// Recorded steps are written by the local optimizer into a buffer of at most
// this many steps at a time, so that it can run one column for many steps in
// a row (its random stream stays in registers) instead of all columns step
// by step.
constexpr size_t snapshots_per_pass = 64;

// Appends the iterates at one recorded step (d x columns) to the trace: the
// virtual averages if this block hosts every worker (far fewer bytes), else
// every column.
void snapshot(self_ptr self, trace& out, const Eigen::Ref<const Eigen::MatrixXd>& iterates) {
  auto& st = self->state;
  if (!out.averaged) {
    append(out.snapshots, iterates);
    return;
  }
  st.means.resize(iterates.rows(), st.layout.reps);
  average_column_groups(iterates, st.spec.total_workers, st.means);
  append(out.snapshots, st.means);
}

void run_epoch(self_ptr self, const server_actor& server, const epoch& e,
               const param_bytes& averages) {
  auto& st = self->state;
  if (!st.block) {
    self->quit(caf::make_error(caf::sec::runtime_error,
                               "worker: epoch before the server assigned worker ids"));
    return;
  }
  const auto p = st.spec.method->model_size();
  const double* data = nullptr;
  if (auto err = view(averages, p, st.layout.reps, data)) {
    self->quit(caf::make_error(caf::sec::runtime_error, "worker: averages: " + *err));
    return;
  }
  st.block->load(param_view(data, p, st.layout.reps));
  trace snapshots{e.round, st.layout.first_worker, st.layout.workers,
                  st.layout.workers == st.spec.total_workers, {}, {}};
  // Run the local steps in passes of up to snapshots_per_pass recorded steps.
  const auto recorded = st.spec.recorded_steps.steps_in(e.first_step, e.last_step);
  const auto d = st.spec.dimension;
  const auto columns = st.layout.columns();
  st.buffer.resize(static_cast<size_t>(d * columns)
                   * std::min(snapshots_per_pass, recorded.size()));
  const auto per_step = snapshots.averaged ? d * st.layout.reps : d * columns;
  snapshots.snapshots.bytes.reserve(sizeof(double) * recorded.size()
                                    * static_cast<size_t>(per_step));
  uint64_t at = e.first_step;
  for (size_t begin = 0; begin < recorded.size(); begin += snapshots_per_pass) {
    const auto n = std::min(snapshots_per_pass, recorded.size() - begin);
    st.block->advance(at, recorded[begin + n - 1],
                      snapshot_sink{recorded.data() + begin, n, st.buffer.data()});
    at = recorded[begin + n - 1];
    for (size_t s = 0; s < n; ++s) {
      snapshots.steps.push_back(recorded[begin + s]);
      snapshot(self, snapshots,
               Eigen::Map<const Eigen::MatrixXd>(st.buffer.data() + s * d * columns, d, columns));
    }
  }
  st.block->advance(at, e.last_step, snapshot_sink{});
  // Same sender, same receiver: the trace arrives before the model.
  if (!snapshots.steps.empty())
    self->send(server, std::move(snapshots));
  model m{e.round, st.layout.first_worker, st.layout.workers, pack(st.block->models()), {}};
  if (e.report_streams)
    m.positions = stream_positions(*st.block);
  self->send(server, std::move(m));
}

// Resumed runs and replacements: the streams continue where the server says.
void restore(self_ptr self, const stream_state& s) {
  auto& st = self->state;
  if (!st.block || s.first_worker != st.layout.first_worker
      || s.workers != st.layout.workers) {
    self->quit(caf::make_error(caf::sec::runtime_error,
                               "worker: stream state for workers it does not host"));
    return;
  }
  try {
    restore_streams(*st.block, st.layout, s.positions, s.incarnations);
  } catch (const std::invalid_argument& e) {
    self->quit(caf::make_error(caf::sec::runtime_error, std::string("worker: ") + e.what()));
  }
}

} // namespace

worker_actor::behavior_type worker(worker_actor::stateful_pointer<worker_state> self,
                                   worker_spec spec, server_actor server) {
  self->state.spec = std::move(spec);
  // Monitored, not linked: the server decides what a lost worker means.
  self->monitor(server);
  self->set_down_handler([self](caf::down_msg& msg) { self->quit(msg.reason); });
  self->request(server, caf::infinite, atom::join_v, self->state.spec.workers)
    .then([self](uint32_t first_worker) {
      auto& st = self->state;
      st.layout = block_layout{st.spec.seed,    st.spec.first_rep, st.spec.reps,
                               first_worker,    st.spec.workers,   st.spec.total_workers};
      st.block = st.spec.method->make_block(st.layout);
    });
  return {
    [self, server](const epoch& e, const param_bytes& averages) {
      run_epoch(self, server, e, averages);
    },
    [self](const stream_state& s) { restore(self, s); },
  };
}

} // namespace lsgd
