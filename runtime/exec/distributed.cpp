#include "runtime/exec/distributed.hpp"

#include "actors/reports.hpp"
#include "actors/schedule.hpp"
#include "actors/server.hpp"
#include "actors/worker.hpp"
#include "runtime/store/results.hpp"
#include "runtime/plan/run_plan.hpp"
#include "runtime/exec/address_file.hpp"
#include "runtime/exec/exit_codes.hpp"
#include "runtime/exec/message_size.hpp"
#include "runtime/exec/node_door.hpp"
#include "runtime/exec/reach.hpp"
#include "runtime/exec/runner.hpp"
#include "runtime/exec/session.hpp"
#include "runtime/exec/sweep.hpp"
#include "runtime/exec/system_config.hpp"
#include "runtime/exec/tls.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <fstream>
#include <sstream>

namespace lsgd {

namespace {

constexpr int exit_failure = exit_code::run_failed;
constexpr int exit_bad_input = exit_code::bad_input;

std::string seconds_text(double s) {
  std::ostringstream out;
  out << s << " s";
  return out.str();
}

caf::timespan seconds_span(double s) {
  return std::chrono::duration_cast<caf::timespan>(std::chrono::duration<double>(s));
}

// Why a peer's actor went down, in words a user can act on.
std::string explain(caf::actor_system& sys, const caf::error& reason, const char* peer) {
  if (reason == caf::exit_reason::remote_link_unreachable)
    return std::string("lost the connection to ") + peer + " (remote_link_unreachable)";
  return error_text(sys, reason);
}

// Publishes `srv` on host:port, tells the session it is ready and, given an
// --address-file, writes it into `rendezvous` (which removes it again when it
// goes). If any of them fails, `srv` is stopped; a failed publish or write
// returns nothing with out.failure set, a failing ready() throws on.
std::optional<uint16_t> publish_then_ready(caf::scoped_actor& self, caf::actor_system& sys,
                                           const server_actor& srv, uint16_t port,
                                           const std::string& host, const serve_options& o,
                                           const tls_config& t,
                                           const std::function<void()>& ready,
                                           std::optional<published_address>& rendezvous,
                                           execution_outcome& out) {
  auto bound = tls::publish(srv, port, host, t);
  if (!bound) {
    self->send_exit(srv, caf::exit_reason::user_shutdown);
    out.failure = "cannot listen on " + o.listen + ": " + sys.render(bound.error());
    return std::nullopt;
  }
  try {
    ready();
  } catch (...) {
    self->send_exit(srv, caf::exit_reason::user_shutdown);
    throw;
  }
  if (!o.address_file.empty()) {
    try {
      rendezvous.emplace(o.address_file, advertised_address(host, *bound));
    } catch (const std::exception& e) {
      self->send_exit(srv, caf::exit_reason::user_shutdown);
      out.failure = std::string("--address-file: ") + e.what();
      return std::nullopt;
    }
  }
  return *bound;
}

// `serve`'s way to execute a session: publish the server of the plan's one
// batch and wait until its workers, from other processes, have run it.
class served : public executor {
public:
  explicit served(const serve_options& o) : o_(o) {}

  void check(const run_plan& plan, const checkpointing& ck) override {
    check_serving(plan);
    if (!ck.resume)
      return;
    auto c = ck.store->load(0, identity_in(plan, 0));
    if (!c)
      throw checkpoint_error(ck.store->folder() + ": no checkpoint of a completed round yet; "
                                                  "start the run again");
    resume_from_ = std::make_shared<const server_checkpoint>(std::move(*c));
  }

  execution_outcome execute(const run_plan& plan, const run_description& run,
                            const checkpointing& ck,
                            const std::function<void()>& ready) override;

  // What serving needs, checked before any work: messages that fit, the
  // address, the exposure rule, the network settings, TLS files, the address
  // file's path.
  void check_serving(const run_plan& plan) {
    check_message_sizes(plan);
    std::tie(host_, port_) = parse_address(o_.listen, "--listen");
    check_exposure(host_, plan.config.tls.enabled, o_.insecure);
    network_ = resolve(plan.config.network, o_.network);
    network_.check();
    tls::check(plan.config.tls, tls::role::server);
    if (!o_.address_file.empty())
      check_address_file_path(o_.address_file);
  }

  std::string resume_command(const std::string& dir) const override {
    return "localsgd serve --resume " + dir + " --listen " + o_.listen;
  }

  void done(const run_plan&, const experiment_summary&, const execution_result&,
            const std::string& dir) override {
    if (had_finished_)
      std::printf("localsgd: the run had finished; results in %s\n", dir.c_str());
    else if (!o_.quiet)
      std::printf("localsgd: run complete; results in %s\n", dir.c_str());
  }

protected:
  const serve_options& o_;
  std::string host_;
  uint16_t port_ = 0;
  network_settings network_;
  std::shared_ptr<const server_checkpoint> resume_from_;
  bool had_finished_ = false;
};

execution_outcome served::execute(const run_plan& plan, const run_description& run,
                                  const checkpointing& ck,
                                  const std::function<void()>& ready) {
  execution_outcome out;
  if (resume_from_ && resume_from_->records.front().complete) {
    had_finished_ = true;
    out.result.records = resume_from_->records;
    return out;
  }
  const auto& entry = plan.entries.front();
  const auto& batch = plan.batches.front();
  caf::actor_system_config cfg;
  configure_system(cfg, plan.threads, network_);
  tls::configure(cfg, plan.config.tls);
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto spec = make_server_spec(plan, 0, caf::actor{self}, ck, resume_from_);
  spec.description = run;
  spec.join_timeout = o_.join_timeout; // the server fails with join_timeout
  spec.announce_start = true;
  use_cluster_reduction(spec, plan);
  auto srv = sys.spawn(server, std::move(spec), sys.spawn(schedule, entry.times));
  // The address file is removed again on every return from here.
  std::optional<published_address> rendezvous;
  const auto bound = publish_then_ready(self, sys, srv, port_, host_, o_, plan.config.tls, ready,
                                        rendezvous, out);
  if (!bound) {
    out.resumable = false;
    return out;
  }
  std::printf("localsgd: serving method \"%s\", N = %u, %u repetitions on %s:%u\n",
              entry.method.c_str(), entry.N, batch.reps, host_.c_str(), *bound);
  std::fflush(stdout);

  const auto begin = std::chrono::steady_clock::now();
  std::string failure;
  self->monitor(srv);
  for (bool done = false; !done;)
    self->receive([&](batch_report& r) { out.result.records = std::move(r.records); },
                  [&](caf::down_msg& d) {
                    done = true;
                    if (d.reason)
                      failure = explain(sys, d.reason, "a worker process");
                  });
  out.result.wall_seconds
    = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  const auto& records = out.result.records;
  if (failure.empty() && (records.empty() || !records.front().complete))
    failure = "the server ended without its records";
  if (!failure.empty()) {
    out.failure = "the run failed: " + failure;
    out.resumable = resume_from_ || (!records.empty() && records.front().round_errors.size() > 1);
  }
  return out;
}

// `serve` of a whole sweep: publish the coordinator (runtime/exec/sweep.hpp),
// which runs every batch of the plan on the pool of joined nodes.
class swept : public served {
public:
  using served::served;

  // A resumed sweep's batches are looked up one by one as they come (none may
  // have a checkpoint yet), so only the serving is checked here.
  void check(const run_plan& plan, const checkpointing&) override { check_serving(plan); }

  execution_outcome execute(const run_plan& plan, const run_description& run,
                            const checkpointing& ck, const std::function<void()>& ready) override;
};

execution_outcome swept::execute(const run_plan& plan, const run_description& run,
                                 const checkpointing& ck, const std::function<void()>& ready) {
  execution_outcome out;
  out.resumable = ck.store != nullptr; // the batches that finished are kept
  caf::actor_system_config cfg;
  configure_system(cfg, plan.threads, network_);
  tls::configure(cfg, plan.config.tls);
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  coordinator_spec spec{&plan, run, caf::actor{self}, o_.join_timeout, ck};
  auto boss = spawn_coordinator(sys, std::move(spec));
  self->monitor(boss);
  // Published with the server's interface: join reaches it as it reaches a server.
  std::optional<published_address> rendezvous;
  const auto bound = publish_then_ready(self, sys, caf::actor_cast<server_actor>(boss), port_,
                                        host_, o_, plan.config.tls, ready, rendezvous, out);
  if (!bound)
    return out;
  std::printf("localsgd: serving the whole sweep, %zu runs in %zu batches, on %s:%u\n",
              plan.runs(), plan.batches.size(), host_.c_str(), *bound);
  std::fflush(stdout);
  self->send(boss, atom::next_v);
  const auto begin = std::chrono::steady_clock::now();
  std::string failure;
  for (bool done = false; !done;)
    self->receive([&](execution_result& r) { out.result.records = std::move(r.records); },
                  [&](caf::down_msg& d) {
                    done = true;
                    if (d.reason)
                      failure = error_text(sys, d.reason);
                  });
  out.result.wall_seconds
    = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  if (!failure.empty())
    out.failure = "the sweep failed: " + failure;
  return out;
}

// A join node's part of the run, once it knows the run: spawns its worker
// actors on `sys`, which join `srv`, and waits for the run's end.
int host_workers(caf::actor_system& sys, server_actor srv_handle, const run_plan& plan,
                 const join_options& o, const node_door* door) {
  caf::scoped_actor self{sys};
  auto srv = &srv_handle;
  std::string failure;
  const auto& entry = plan.entries.front();
  const auto& batch = plan.batches.front();
  const auto count = static_cast<uint32_t>(o.workers);
  // One actor per thread, unless a model message would get too large; ids are
  // assigned by the server on join.
  const uint32_t per_actor = ids_per_actor(count, plan.threads, id_bytes(plan, batch.reps));
  say_if_split(count, per_actor, plan.threads);
  std::vector<worker_actor> workers;
  for (uint32_t first = 0; first < count; first += per_actor) {
    worker_spec ws{entry.local,   plan.config.seed, batch.first_rep, batch.reps,
                   std::min(per_actor, count - first), entry.N, plan.f->dimension(),
                   plan.recorded_steps};
    give_door(ws, door);
    workers.push_back(sys.spawn(worker, std::move(ws), *srv));
  }
  for (auto& w : workers)
    self->monitor(w);
  // The server actor too: it quits normally only when the run completed. At a
  // normal end it first sends our workers user_shutdown; when it gave up (a
  // join timeout) they only see it go down with user_shutdown.
  self->monitor(*srv);
  std::optional<caf::error> server_end;
  bool refused = false;
  auto on_down = [&](caf::down_msg& d) {
    if (d.source == srv->address()) {
      server_end = std::move(d.reason);
      return;
    }
    if (d.reason == caf::exit_reason::user_shutdown || !failure.empty())
      return;
    // The server answers a join it cannot take with invalid_argument.
    refused = d.reason == caf::sec::invalid_argument;
    failure = d.reason ? explain(sys, d.reason, "the server")
                       : "a worker stopped before the run ended";
  };
  // A refused worker actor ends the node at once: the ids it holds elsewhere
  // would only wait for the server's join timeout.
  for (size_t down = 0; down < workers.size() && !refused;)
    self->receive([&](caf::down_msg& d) {
      down += d.source == srv->address() ? 0 : 1;
      on_down(d);
    });
  if (refused) {
    for (auto& w : workers)
      self->send_exit(w, caf::exit_reason::user_shutdown);
    std::fprintf(stderr, "localsgd: the server refused this node: %s\n", failure.c_str());
    return exit_code::unreachable;
  }
  // The server's own end travels with (or just before) its workers' ends.
  if (!server_end)
    self->receive(on_down, caf::after(std::chrono::seconds(1)) >> [] {});
  if (failure.empty() && server_end && *server_end
      && *server_end != caf::exit_reason::normal
      && *server_end != caf::exit_reason::remote_link_unreachable)
    failure = "the server ended the run before it completed (" + sys.render(*server_end)
              + "; see the server's log)";
  if (!failure.empty()) {
    std::fprintf(stderr, "localsgd: the run ended badly: %s\n", failure.c_str());
    return exit_code::run_failed;
  }
  return exit_code::done;
}

// The door of a chain node on --link-host, else on its address toward the
// server (host:port). Without one the node still takes part and dials its
// neighbours' doors (a link between two nodes without one goes through the
// server); one line says so. A --link-host it cannot listen on is the
// user's mistake: exit 2.
int open_join_door(caf::actor_system& sys, const std::string& host, uint16_t port,
                   const join_options& o, const tls_config& tls, std::optional<node_door>& door) {
  std::string why;
  const auto off = [&](const std::string& reason) {
    std::fprintf(stderr, "localsgd: no door for direct links on this node: %s; it connects "
                         "to its neighbours' doors instead\n", reason.c_str());
    return 0;
  };
  // A neighbour connects as a TLS client: this node's certificate serves.
  if (const auto unfit = tls::unfit_for(tls, tls::role::server); !unfit.empty())
    return off("its certificate " + tls.certificate.path + " is not fit for a TLS server ("
               + unfit + ")");
  auto bind_host = o.link_host;
  if (bind_host.empty()) {
    auto toward = local_address_toward(host, port, why);
    if (!toward)
      return off(why);
    bind_host = *toward;
  }
  door = open_door(sys, bind_host, tls, why);
  if (door)
    return 0;
  if (!o.link_host.empty()) {
    std::fprintf(stderr, "localsgd: --link-host: %s\n", why.c_str());
    return exit_code::bad_input;
  }
  return off(why);
}

} // namespace

experiment_config restrict_to(experiment_config c, const std::string& method, int64_t N) {
  auto names = [&] {
    std::string out;
    for (const auto& m : c.methods)
      out += (out.empty() ? "" : ", ") + m.name;
    return out;
  };
  std::vector<method_config> chosen;
  for (const auto& m : c.methods)
    if (method.empty() ? c.methods.size() == 1 : m.name == method)
      chosen.push_back(m);
  if (chosen.empty())
    throw config_error(method.empty()
                         ? "--method: the config lists several methods (" + names()
                             + "): pick one"
                         : "--method: no method \"" + method + "\" in the config (" + names()
                             + ")");
  if (N == 0) {
    if (c.N.size() != 1)
      throw config_error("--n: the config lists several N: pick one");
    N = c.N.front();
  } else if (std::find(c.N.begin(), c.N.end(), N) == c.N.end()) {
    throw config_error("--n: N = " + std::to_string(N) + " is not among the config's N");
  }
  c.methods = chosen;
  c.N = {N};
  c.speedup = false;
  c.runtime.repetitions_per_actor = c.repetitions;
  return c;
}

int serve(const serve_options& o) {
  session_request request;
  request.command = "serve";
  request.config_file = o.config_file;
  request.overrides = o.overrides;
  request.out_dir = o.out_dir;
  request.resume_dir = o.resume_dir;
  request.threads = o.threads;
  request.overwrite = o.overwrite;
  request.fail_on_divergence = o.fail_on_divergence;
  bool whole_sweep = false;
  request.narrow = [&o, &whole_sweep](experiment_config c, run_description& d, bool resuming) {
    if (resuming && (!o.method.empty() || o.N != 0))
      throw config_error("serve --resume DIR takes no config, --set, --method, --n or "
                         "other --out: it continues the run stored in DIR");
    const bool several = c.methods.size() > 1 || c.N.size() > 1 || c.speedup;
    // A whole sweep's checkpoints are those of `run` of the same config (its
    // batches and numbers do not depend on where they ran): either command
    // resumes either's. A run of one (method, N) was laid out in batches that
    // serve's one batch is not.
    if (resuming && d.method.empty() && !several)
      throw config_error(o.resume_dir + " holds a checkpoint of localsgd run, not of serve: "
                                        "use localsgd run --resume");
    if (c.inject.enabled)
      throw config_error("[faults.inject] simulates losses in an in-process run (localsgd run); "
                         "serve meets real ones: remove the table");
    if ((resuming && d.method.empty()) || (!resuming && o.method.empty() && o.N == 0 && several)) {
      whole_sweep = true;
      d.method.clear();
      d.N = 0; // is_whole_sweep(d)
      return c;
    }
    c = restrict_to(std::move(c), resuming ? d.method : o.method,
                    resuming ? int64_t{d.N} : o.N);
    d.method = c.methods.front().name;
    d.N = static_cast<uint32_t>(c.N.front());
    return c;
  };
  std::unique_ptr<session> s;
  if (const int refused = open_session(request, s))
    return refused;
  if (whole_sweep) {
    swept how(o);
    return s->run(how);
  }
  served how(o);
  return s->run(how);
}

int join(const join_options& o) {
  network_settings network;
  std::string host;
  uint16_t port = 0;
  tls_config tls;
  try {
    if (o.address.empty() == o.address_file.empty())
      throw config_error("join: give the server's HOST:PORT or --address-file FILE (one of them)");
    if (o.address_file.empty())
      std::tie(host, port) = parse_address(o.address, "join");
    else
      check_address_file_path(o.address_file);
    tls = tls::from_flags(o.tls_certificate, o.tls_key, o.tls_ca);
    tls::check(tls, tls::role::worker);
    network = resolve(network_config{}, o.network);
    network.check();
    if (!(o.connect_timeout > 0))
      throw config_error("--connect-timeout must be a positive number of seconds");
    if (!(o.retry_for >= 0))
      throw config_error("--retry-for must be 0 or more seconds");
  } catch (const config_error& e) {
    std::fprintf(stderr, "localsgd: %s\n", e.what());
    return exit_code::bad_input;
  }
  caf::actor_system_config cfg;
  configure_system(cfg, o.threads > 0 ? static_cast<size_t>(o.threads) : 0, network);
  tls::configure(cfg, tls);
  caf::actor_system sys{cfg};
  std::string address = o.address;
  std::string no_address;
  auto reached = o.address_file.empty()
                   ? reach_server(sys, host, port, tls, o.connect_timeout, o.retry_for)
                   : reach_server_named_in(sys, o.address_file, tls, o.connect_timeout,
                                           o.retry_for, address, no_address);
  if (!reached) {
    std::fprintf(stderr, "localsgd: no server address in the address file within %s "
                         "(--retry-for): %s\n",
                 seconds_text(o.retry_for).c_str(), no_address.c_str());
    return exit_code::unreachable;
  }
  auto& srv = *reached;
  if (!srv) {
    const auto why = srv.error() == caf::sec::request_timeout
                       ? "no CAF handshake within " + seconds_text(o.connect_timeout)
                           + " (--connect-timeout; is a localsgd serve on that port?)"
                       : sys.render(srv.error()) + tls::connect_hint(srv.error(), tls);
    if (!o.address_file.empty())
      address += " (read from " + o.address_file + ")";
    std::fprintf(stderr, "localsgd: cannot reach a server at %s%s: %s\n", address.c_str(),
                 o.retry_for > 0 ? (" (retried for " + seconds_text(o.retry_for) + ")").c_str()
                                 : "",
                 why.c_str());
    if (srv.error() == caf::sec::request_timeout) {
      // The abandoned connect lives on inside CAF: over TLS, a silent peer
      // left CAF 0.17.6's multiplexer spinning a core and the actor system's
      // destructor waiting for it forever (seen in tests/network_test.sh). No
      // worker was started: there is nothing to save.
      std::fflush(nullptr);
      std::_Exit(exit_code::unreachable);
    }
    return exit_code::unreachable;
  }
  caf::scoped_actor self{sys};
  run_description description;
  std::string failure;
  self->request(*srv, seconds_span(o.connect_timeout), atom::describe_v)
    .receive([&](run_description& d) { description = std::move(d); },
             [&](caf::error& e) { failure = sys.render(e); });
  if (!failure.empty()) {
    std::fprintf(stderr, "localsgd: the server did not describe its run: %s\n",
                 failure.c_str());
    return exit_code::unreachable;
  }
  const bool sweep = is_whole_sweep(description);
  run_plan plan;
  try {
    auto config = parse_config(description.config, description.file, description.overrides);
    if (!sweep)
      config = restrict_to(std::move(config), description.method, description.N);
    if (o.threads > 0)
      config.runtime.threads = o.threads;
    plan = sweep ? make_plan(config, description.layout_threads) : make_plan(config);
  } catch (const config_error& e) {
    std::fprintf(stderr, "localsgd: the server's run does not build here: %s\n", e.what());
    return exit_code::bad_input;
  }
  if (sweep && o.workers < 1) {
    std::fprintf(stderr, "localsgd: --workers must be 1 or more\n");
    return exit_bad_input;
  }
  if (!sweep && (o.workers < 1 || o.workers > plan.entries.front().N)) {
    std::fprintf(stderr, "localsgd: --workers must be in 1 .. N = %u\n", plan.entries.front().N);
    return exit_code::bad_input;
  }
  // A chain node's neighbours connect to its door (node_door.hpp).
  std::optional<node_door> door;
  if (plan.config.reduction.chain) {
    std::tie(host, port) = parse_address(address, "join");
    if (const int refused = open_join_door(sys, host, port, o, tls, door))
      return refused;
  }
  const node_door* links = door ? &*door : nullptr;
  // A whole sweep's pool capacity, or one run's worker ids.
  return sweep ? host_sweep(sys, *srv, plan, static_cast<uint32_t>(o.workers), links)
               : host_workers(sys, *srv, plan, o, links);
}

} // namespace lsgd
