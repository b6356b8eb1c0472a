// The time of one averaging round across processes: the real server, schedule
// and worker actors over caf_io, with a model of d doubles and no local work
// (a null objective), so that only the round itself is measured.
//
//   bench_round serve D N ROUNDS      # prints "listening PORT", then the result
//   bench_round join PORT D N ROUNDS
//
// The floor: the same traffic with no localsgd code at all. A plain CAF actor
// waits for a byte vector of d doubles from each of N clients, then sends one
// to each; each client echoes what it gets. What this takes per round is
// what caf_io itself costs for a star of N over loopback.
//
//   bench_round echo-serve D N ROUNDS
//   bench_round echo-join PORT D N ROUNDS
//
// The chain reduction ([cluster] reduction = "chain"): the same round with
// the workers passing one running sum along, node to node over direct links.
//
//   bench_round chain-serve D N ROUNDS
//   bench_round chain-join PORT D N ROUNDS
//
// LSGD_BENCH_HOST (default 127.0.0.1): the address serve listens on and join
// connects to (bench/cluster_links.sh runs them on separate hosts).
//
// serve, join, chain-serve and chain-join take an optional last argument IDS:
// every join process hosts IDS worker ids in one actor (N processes, N x IDS
// ids in all; default 1).
#include "actors/reports.hpp"
#include "actors/schedule.hpp"
#include "actors/server.hpp"
#include "actors/worker.hpp"
#include "numerics/sgd_block.hpp"
#include "runtime/exec/node_door.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <malloc.h>
#include <optional>
#include <cstdlib>
#include <string>

namespace {

using namespace lsgd;

// F(x) = |x|^2 / 2 with no local work: local steps leave x unchanged.
class null_objective final : public objective {
public:
  explicit null_objective(Eigen::Index d) : d_(d) {
  }
  Eigen::Index dimension() const override {
    return d_;
  }
  double value(const const_vector_ref& x) const override {
    return 0.5 * x.squaredNorm();
  }
  double optimum_value() const override {
    return 0;
  }
  void sample_gradients(const const_matrix_ref&, random_stream*,
                        Eigen::Ref<matrix> g) const override {
    g.setZero();
  }
  void sgd_steps(Eigen::Ref<matrix>, stream_set&, const step_size&, uint64_t, uint64_t,
                 const snapshot_sink&) const override {
  }
  std::string describe() const override {
    return "null objective";
  }

private:
  Eigen::Index d_;
};

std::shared_ptr<const local_method> null_method(Eigen::Index d) {
  auto f = std::make_shared<null_objective>(d);
  return std::make_shared<sgd_method>(f, step_size::constant(1.0), Eigen::VectorXd::Ones(d));
}

void configure(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::lsgd>();
  cfg.load<caf::io::middleman>();
  cfg.set("logger.verbosity", caf::atom("quiet"));
  cfg.set("scheduler.policy", caf::atom("sharing")); // as localsgd serve / join
  if (const char* w = std::getenv("LSGD_MM_WORKERS"))
    cfg.set("middleman.workers", static_cast<size_t>(std::atoi(w)));
}

struct echo_state {
  std::vector<caf::actor> clients;
  uint32_t arrived = 0;
  uint64_t round = 0;
  std::chrono::steady_clock::time_point start;
};

// Rounds start when all N clients have sent their first vector.
caf::behavior echo_server(caf::stateful_actor<echo_state>* self, uint32_t N, uint64_t rounds,
                          long d) {
  const auto reply = caf::make_message(param_bytes{byte_buffer(sizeof(double) * size_t(d))});
  return {
    [=](const param_bytes&) {
      auto& st = self->state;
      if (st.clients.size() < N)
        st.clients.push_back(caf::actor_cast<caf::actor>(self->current_sender()));
      if (++st.arrived < N)
        return;
      st.arrived = 0;
      if (st.round++ == 0)
        st.start = std::chrono::steady_clock::now();
      if (st.round > rounds) {
        const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - st.start;
        std::printf("caf echo: d = %ld, N = %u: %.3f ms per round (%llu rounds)\n", d, N,
                    wall.count() * 1e3 / double(rounds), static_cast<unsigned long long>(rounds));
        for (auto& c : st.clients)
          self->send_exit(c, caf::exit_reason::user_shutdown);
        self->quit();
        return;
      }
      for (auto& c : st.clients)
        self->send(c, reply);
    },
  };
}

caf::behavior echo_client(caf::event_based_actor* self, caf::actor server, long d) {
  self->send(server, param_bytes{byte_buffer(sizeof(double) * size_t(d))});
  return {
    [=](param_bytes& x) { self->send(server, std::move(x)); },
  };
}

std::string bench_host() {
  const char* host = std::getenv("LSGD_BENCH_HOST");
  return host && *host ? host : "127.0.0.1";
}

} // namespace

int main(int argc, char** argv) {
  mallopt(M_MMAP_THRESHOLD, 32 << 20); // as localsgd's main
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  const bool joining = argc > 1 && std::string(argv[1]).find("join") != std::string::npos;
  if (argc < 5 || (joining && argc < 6)) {
    std::fprintf(stderr, "usage: bench_round [echo-|chain-]serve D N ROUNDS [IDS] | "
                         "[echo-|chain-]join PORT D N ROUNDS [IDS]\n");
    return 2;
  }
  const int ids_arg = joining ? 6 : 5;
  const auto ids = argc > ids_arg ? static_cast<uint32_t>(std::atol(argv[ids_arg])) : 1u;
  std::string mode = argv[1];
  const bool chain = mode.rfind("chain-", 0) == 0;
  if (chain)
    mode = mode.substr(6);
  caf::actor_system_config cfg;
  configure(cfg);
  caf::actor_system sys{cfg};
  if (mode == "echo-serve") {
    const auto d = std::atol(argv[2]);
    const auto N = static_cast<uint32_t>(std::atol(argv[3]));
    const auto rounds = static_cast<uint64_t>(std::atol(argv[4]));
    auto srv = sys.spawn(echo_server, N, rounds, d);
    auto port = sys.middleman().publish(srv, 0, bench_host().c_str());
    if (!port)
      return 1;
    std::printf("listening %u\n", *port);
    std::fflush(stdout);
    caf::scoped_actor self{sys};
    self->wait_for(srv);
    return 0;
  }
  if (mode == "echo-join") {
    const auto port = static_cast<uint16_t>(std::atol(argv[2]));
    auto srv = sys.middleman().remote_actor(bench_host(), port);
    if (!srv)
      return 1;
    auto c = sys.spawn(echo_client, *srv, std::atol(argv[3]));
    caf::scoped_actor self{sys};
    self->wait_for(c);
    return 0;
  }
  if (mode == "serve") {
    const auto d = std::atol(argv[2]);
    const auto N = static_cast<uint32_t>(std::atol(argv[3]));
    const auto rounds = static_cast<uint64_t>(std::atol(argv[4]));
    auto method = null_method(d);
    caf::scoped_actor self{sys};
    auto clock = sys.spawn(schedule, schedules::synchronous(rounds));
    server_spec spec;
    spec.f = std::make_shared<null_objective>(d);
    spec.initial_model = method->initial_model();
    spec.workers = N * ids;
    spec.recorded_steps = record_plan(rounds, rounds);
    spec.report_to = caf::actor{self};
    spec.chain = chain;
    // As serve without TLS; LSGD_BENCH_RELAY=0: the server sends the
    // averages to every block (to measure what the relay changes).
    const char* relay = std::getenv("LSGD_BENCH_RELAY");
    spec.relay_averages = chain && !(relay && std::string(relay) == "0");
    auto srv = sys.spawn(server, std::move(spec), clock);
    auto port = sys.middleman().publish(srv, 0, bench_host().c_str());
    if (!port)
      return 1;
    std::printf("listening %u\n", *port);
    std::fflush(stdout);
    run_record out;
    self->receive([&](batch_report& r) { out = r.records.front(); });
    self->wait_for(srv);
    if (!out.complete)
      return 1;
    std::printf("%s round: d = %ld, N = %u x %u ids: %.3f ms per round (%llu rounds)\n",
                chain ? "chain" : "caf", d, N, ids, out.wall_seconds * 1e3 / double(rounds),
                static_cast<unsigned long long>(rounds));
    return 0;
  }
  const auto port = static_cast<uint16_t>(std::atol(argv[2]));
  const auto d = std::atol(argv[3]);
  const auto N = static_cast<uint32_t>(std::atol(argv[4]));
  const auto rounds = static_cast<uint64_t>(std::atol(argv[5]));
  auto srv = sys.middleman().remote_actor<server_actor>(bench_host(), port);
  if (!srv)
    return 1;
  worker_spec ws{null_method(d), 1, 0, 1, ids, N * ids, d, record_plan(rounds, rounds)};
  // As localsgd join in a chain: a door for the node before this one.
  std::optional<node_door> door;
  if (chain) {
    std::string why;
    const auto local = local_address_toward(bench_host(), port, why);
    if (local)
      door = open_door(sys, *local, tls_config{}, why);
    if (!door) {
      std::fprintf(stderr, "bench_round: %s\n", why.c_str());
      return 1;
    }
    give_door(ws, &*door);
  }
  auto w = sys.spawn(worker, std::move(ws), *srv);
  caf::scoped_actor self{sys};
  self->wait_for(w);
  return 0;
}
