// The server against hostile, broken, lost and late workers, played by
// scoped actors that answer epochs by hand, on the deterministic test
// coordinator: deadlines pass in virtual time, nothing waits.
#include "actors/run_errc.hpp"
#include "tests/actors/fixture.hpp"

#include <cmath>

using namespace lsgd;
using namespace lsgd::test;

TEST_CASE("server: foreign, stale, repeated and unknown messages are dropped, never averaged") {
  server_fixture fx(2, schedules::one_shot(10), fault_policy{});
  caf::scoped_actor w{fx.sys};
  REQUIRE(fx.join(w, 2) == 0);
  const auto e = fx.next_epoch(w);
  {
    caf::scoped_actor stranger{fx.sys};
    stranger->send(fx.srv, model{1, 0, 2, pack(Eigen::MatrixXd::Constant(2, 2, 100.0)), {}});
    fx.ds.run();
  }
  w->send(fx.srv, model{2, 0, 2, pack(Eigen::MatrixXd::Constant(2, 2, 100.0)), {}});
  caf::anon_send(caf::actor_cast<caf::actor>(fx.srv), std::string("hello"));
  w->send(fx.srv, atom::deadline_v, 1u);
  const trace t{1, 0, 2, false, {10}, pack(Eigen::MatrixXd::Constant(2, 2, 3.0))};
  w->send(fx.srv, t);
  w->send(fx.srv, t);
  w->send(fx.srv, model{1, 0, 2, pack(Eigen::MatrixXd::Constant(2, 2, 3.0)), {}});
  const auto end = fx.end();
  CHECK(end.reason == "none");
  REQUIRE(end.rec().complete);
  CHECK(end.rec().round_errors.back() == f_at(3.0)); // only the honest model
  CHECK(end.rec().round_workers() == std::vector<uint32_t>{2, 2});
  CHECK(e.round == 1);
  CHECK(fx.log->has("not a registered worker"));
  CHECK(fx.log->has("model of round 2"));
  CHECK(fx.log->has("unexpected message"));
  CHECK(fx.log->has("deadline message that the server did not send"));
  CHECK(fx.log->has("second trace of round 1"));
}

// A launcher stops the other batches when one fails: each reports the
// rounds it completed, so that a failed sweep can still report them.
TEST_CASE("server: stopped from outside, it reports the rounds completed, then quits") {
  server_fixture fx(2, schedules::constant_period(30, 10), fault_policy{});
  caf::scoped_actor w{fx.sys};
  REQUIRE(fx.join(w, 2) == 0);
  fx.answer(w, fx.next_epoch(w), 0, 2, 3.0);
  fx.next_epoch(w); // round 2 is open, nothing of it arrived
  fx.self->send_exit(fx.srv, caf::exit_reason::user_shutdown);
  const auto end = fx.end();
  CHECK(end.error == caf::exit_reason::user_shutdown);
  REQUIRE(end.records.size() == 1);
  CHECK(!end.rec().complete);
  CHECK(end.rec().round_steps() == std::vector<uint64_t>{0, 10});
  CHECK(end.rec().round_errors.back() == f_at(3.0));
  CHECK(end.rec().round_workers() == std::vector<uint32_t>{2, 2});
}

TEST_CASE("server, abort policy: a model of the wrong size fails the run") {
  server_fixture fx(2, schedules::one_shot(10), fault_policy{});
  caf::scoped_actor w{fx.sys};
  fx.join(w, 2);
  fx.next_epoch(w);
  w->send(fx.srv, trace{1, 0, 2, false, {10}, pack(Eigen::MatrixXd::Ones(2, 2))});
  w->send(fx.srv, model{1, 0, 2, pack(Eigen::MatrixXd::Ones(3, 2)), {}});
  const auto end = fx.end();
  CHECK(end.reason.find("workers 0..1") != std::string::npos);
  CHECK(end.reason.find("does not fit") != std::string::npos);
  CHECK(run_errc_of(end.error) == run_errc::worker_lost);
  CHECK(!end.rec().complete); // the partial records are reported
  CHECK(end.rec().round_errors.size() == 1); // nothing averaged
}

// Two repetitions of N = 2 in one block, rounds ending at 10, 20, 30 (each
// a recorded step). Repetition 1 overflows in round 2: Inf in worker 1's
// trace and model, NaN after. Repetition 0 is never touched by it.
TEST_CASE("server, abort policy: NaN or Inf marks only its repetition diverged, the run completes") {
  server_fixture fx(2, schedules::constant_period(30, 10), fault_policy{}, 0, 2);
  caf::scoped_actor w{fx.sys};
  REQUIRE(fx.join(w, 2) == 0);
  const double inf = std::numeric_limits<double>::infinity();
  // Columns: models rep * 2 + worker; a trace of one step the same.
  const auto columns = [](double others, double rep1_worker1) {
    Eigen::MatrixXd m = Eigen::MatrixXd::Constant(2, 4, others);
    m.col(3).setConstant(rep1_worker1);
    return m;
  };
  const double rep0[] = {2.0, 3.0, 4.0};
  const double rep1[] = {2.0, inf, std::nan("")};
  Eigen::MatrixXd last_averages;
  for (uint32_t round = 1; round <= 3; ++round) {
    fx.ds.run();
    bool got = false;
    w->receive(
      [&](const epoch& e, const param_bytes& avg) {
        REQUIRE(e.round == round);
        REQUIRE(!unpack(avg, 2, 2, last_averages));
        got = true;
      },
      caf::after(0s) >> [] {});
    REQUIRE(got);
    if (round == 3) { // repetition 0's average is its own, 1's stays non-finite
      CHECK(last_averages(0, 0) == rep0[1]);
      CHECK(!std::isfinite(last_averages(0, 1)));
    }
    const auto m = columns(rep0[round - 1], rep1[round - 1]);
    w->send(fx.srv, trace{round, 0, 2, false, {uint64_t{round} * 10}, pack(m)});
    w->send(fx.srv, model{round, 0, 2, pack(m), {}});
  }
  const auto end = fx.end();
  CHECK(end.reason == "none");
  REQUIRE(end.records.size() == 2);
  const auto& good = end.records[0];
  const auto& bad = end.records[1];
  CHECK(good.complete);
  CHECK(bad.complete);
  CHECK(good.round_errors
        == std::vector<double>{f_at(1.0), f_at(2.0), f_at(3.0), f_at(4.0)});
  CHECK(good.trajectory == good.round_errors);
  CHECK(bad.round_errors[1] == f_at(2.0));
  CHECK(bad.trajectory[1] == f_at(2.0));
  for (size_t r = 2; r < 4; ++r) { // NaN from the divergence on, never Inf
    CHECK(std::isnan(bad.round_errors[r]));
    CHECK(std::isnan(bad.trajectory[r]));
  }
  CHECK(bad.round_workers() == std::vector<uint32_t>{2, 2, 2, 2});
  CHECK(!fx.log->has("lost"));
}

TEST_CASE("server: an averaged trace with Inf at its first step diverges its repetition from there") {
  server_fixture fx(1, schedules::one_shot(20), fault_policy{}, 0, 2);
  // Recorded steps 0, 10, 20: the trace of round 1 holds steps 10 and 20.
  caf::scoped_actor w{fx.sys};
  REQUIRE(fx.join(w, 1) == 0);
  const auto e = fx.next_epoch(w);
  Eigen::MatrixXd t = Eigen::MatrixXd::Constant(2, 4, 2.0); // column step * 2 + rep
  t(1, 1) = std::numeric_limits<double>::infinity();        // step 10, rep 1
  w->send(fx.srv, trace{e.round, 0, 1, true, {10, 20}, pack(t)});
  // The model of repetition 1 is finite again (say an optimizer that clips).
  w->send(fx.srv, model{e.round, 0, 1, pack(Eigen::MatrixXd::Constant(2, 2, 2.0)), {}});
  const auto end = fx.end();
  CHECK(end.reason == "none");
  REQUIRE(end.records.size() == 2);
  CHECK(end.records[0].trajectory == std::vector<double>{f_at(1.0), f_at(2.0), f_at(2.0)});
  CHECK(end.records[1].trajectory[0] == f_at(1.0));
  CHECK(std::isnan(end.records[1].trajectory[1]));
  CHECK(std::isnan(end.records[1].trajectory[2]));
  CHECK(std::isnan(end.records[1].round_errors.back()));
}

TEST_CASE("server: averaged models from the block of every worker are the round's averages") {
  // N = 2, two repetitions: the block sends the averages (2 x 2), not 2 x 4 columns.
  server_fixture fx(2, schedules::constant_period(20, 10), fault_policy{}, 0, 2);
  caf::scoped_actor w{fx.sys};
  REQUIRE(fx.join(w, 2) == 0);
  auto e = fx.next_epoch(w);
  Eigen::MatrixXd a(2, 2);
  a << 2.0, 3.0, 2.0, 3.0;
  w->send(fx.srv, trace{e.round, 0, 2, true, {10}, pack(a)});
  w->send(fx.srv, model{e.round, 0, 2, pack(a), {}, true});
  fx.ds.run();
  Eigen::MatrixXd sent;
  w->receive(
    [&](const epoch& next, const param_bytes& avg) {
      e = next;
      REQUIRE(!unpack(avg, 2, 2, sent));
    },
    caf::after(0s) >> [] { FAIL("no epoch"); });
  CHECK(e.round == 2);
  CHECK(sent == a); // sent on as they came
  Eigen::MatrixXd b = a;
  b(0, 1) = std::numeric_limits<double>::infinity(); // repetition 1 diverged
  w->send(fx.srv, trace{e.round, 0, 2, true, {20}, pack(b)});
  w->send(fx.srv, model{e.round, 0, 2, pack(b), {}, true});
  const auto end = fx.end();
  CHECK(end.reason == "none");
  REQUIRE(end.records.size() == 2);
  CHECK(end.records[0].round_errors == std::vector<double>{f_at(1.0), f_at(2.0), f_at(2.0)});
  CHECK(std::isnan(end.records[1].round_errors.back()));
  CHECK(end.records[1].round_workers() == std::vector<uint32_t>{2, 2, 2});
}

TEST_CASE("server: averaged models from a block of only some workers lose it") {
  server_fixture fx(2, schedules::one_shot(10), quick(true));
  caf::scoped_actor a{fx.sys}, b{fx.sys};
  REQUIRE(fx.join(a, 1) == 0);
  REQUIRE(fx.join(b, 1) == 1);
  const auto e = fx.next_epoch(a);
  fx.next_epoch(b);
  fx.answer(a, e, 0, 1, 2.0);
  b->send(fx.srv, trace{e.round, 1, 1, false, {10}, pack(Eigen::MatrixXd::Constant(2, 1, 2.0))});
  b->send(fx.srv, model{e.round, 1, 1, pack(Eigen::MatrixXd::Constant(2, 1, 9.0)), {}, true});
  fx.ds.run();
  const auto end = fx.end();
  CHECK(end.reason == "none");
  CHECK(end.rec().round_errors.back() == f_at(2.0)); // only a's model
  CHECK(end.rec().round_workers() == std::vector<uint32_t>{2, 1});
  CHECK(fx.log->has("sent averaged models but hosts only 1 of 2 workers"));
}

TEST_CASE("server: a resumed batch keeps a diverged repetition diverged") {
  // The checkpoint after round 1 of 2: repetition 1 diverged (NaN error, Inf average).
  auto c = std::make_shared<server_checkpoint>();
  c->rounds_completed = 1;
  c->averages = Eigen::MatrixXd::Constant(2, 2, 2.0);
  c->averages(0, 1) = std::numeric_limits<double>::infinity();
  c->positions.assign(2, 0);
  c->incarnations.assign(1, 0);
  for (const double err : {f_at(2.0), std::nan("")}) {
    run_record r;
    r.rounds = std::make_shared<const batch_rounds>(batch_rounds{{0, 10}, {1, 1}});
    r.round_errors = {f_at(1.0), err};
    r.trajectory = {f_at(1.0), err, 0.0};
    c->records.push_back(r);
  }
  server_fixture fx(1, schedules::constant_period(20, 10), fault_policy{}, 0, 2, c);
  caf::scoped_actor w{fx.sys};
  REQUIRE(fx.join(w, 1) == 0);
  stream_state streams;
  const auto e = fx.next_epoch(w, &streams);
  CHECK(e.round == 2);
  // A worker that clipped repetition 1 back to finite values: still diverged.
  const Eigen::MatrixXd m = Eigen::MatrixXd::Constant(2, 2, 3.0);
  w->send(fx.srv, trace{2, 0, 1, true, {20}, pack(m)});
  w->send(fx.srv, model{2, 0, 1, pack(m), {}});
  const auto end = fx.end();
  CHECK(end.reason == "none");
  REQUIRE(end.records.size() == 2);
  CHECK(end.records[0].round_errors.back() == f_at(3.0));
  CHECK(std::isnan(end.records[1].round_errors.back()));
  CHECK(std::isnan(end.records[1].trajectory.back()));
}

TEST_CASE("server, continue policy: an invalid model loses its block, the round averages the rest") {
  server_fixture fx(2, schedules::one_shot(10), quick(true));
  caf::scoped_actor a{fx.sys}, b{fx.sys};
  REQUIRE(fx.join(a, 1) == 0);
  REQUIRE(fx.join(b, 1) == 1);
  const auto e = fx.next_epoch(a);
  fx.next_epoch(b);
  fx.answer(a, e, 0, 1, 2.0);
  b->send(fx.srv, trace{e.round, 1, 1, false, {10}, pack(Eigen::MatrixXd::Ones(3, 1))});
  b->send(fx.srv, model{e.round, 1, 1, pack(Eigen::MatrixXd::Ones(2, 1)), {}});
  fx.ds.run();
  const auto end = fx.end();
  CHECK(end.reason == "none");
  REQUIRE(end.rec().complete);
  CHECK(end.rec().round_errors.back() == f_at(2.0));
  CHECK(end.rec().trajectory.back() == f_at(2.0));
  CHECK(end.rec().round_workers() == std::vector<uint32_t>{2, 1});
  CHECK(fx.log->has("lost workers 1..1"));
}

TEST_CASE("server: a block that misses the round deadline is lost, at the deadline and not before") {
  for (const bool go_on : {false, true}) {
    CAPTURE(go_on);
    server_fixture fx(2, schedules::one_shot(10), quick(go_on));
    caf::scoped_actor a{fx.sys}, silent{fx.sys};
    fx.join(a, 1);
    fx.join(silent, 1);
    fx.answer(a, fx.next_epoch(a), 0, 1, 2.0);
    fx.ds.advance(999ms); // first_round_deadline = 1 s: not yet
    CHECK(fx.end().reason == "still running");
    fx.ds.advance(1ms);
    const auto end = fx.end();
    if (go_on) {
      CHECK(end.reason == "none");
      CHECK(end.rec().round_workers() == std::vector<uint32_t>{2, 1});
      CHECK(fx.log->has("missed the deadline of round 1 (1 s)"));
    } else {
      CHECK(end.reason.find("workers 1..1: missed the deadline of round 1") != std::string::npos);
      CHECK(run_errc_of(end.error) == run_errc::worker_lost);
      CHECK(!end.rec().complete);
    }
  }
}

namespace {

// Two blocks of one id; round 1 (10 steps) ends after `round1` of virtual
// time, then b is silent in round 2: it must be lost after exactly `allowed`
// (10 x 10 x the time per step of round 1, at least the floor), whatever
// timer of round 1 is still pending.
void check_round2_deadline(double first_round_deadline, caf::timespan round1,
                           caf::timespan allowed, const std::string& text) {
  fault_policy p = quick(true);
  p.first_round_deadline = first_round_deadline;
  server_fixture fx(2, schedules::constant_rounds(30, 3), p);
  caf::scoped_actor a{fx.sys}, b{fx.sys};
  fx.join(a, 1);
  fx.join(b, 1);
  auto e = fx.next_epoch(a);
  fx.next_epoch(b);
  fx.ds.advance(round1);
  fx.answer(a, e, 0, 1, 1.0);
  fx.answer(b, e, 1, 1, 1.0);
  e = fx.next_epoch(a);
  REQUIRE(e.round == 2);
  fx.answer(a, e, 0, 1, 1.0);
  fx.ds.advance(allowed - 1ms);
  CHECK(!fx.log->has("missed the deadline"));
  fx.ds.advance(1ms);
  CHECK(fx.log->has(text));
  CHECK(fx.log->has("lost workers 1..1"));
}

} // namespace

TEST_CASE("server: later deadlines follow the slowest time per step, at least the floor") {
  // Round 1 takes 2 s: 0.2 s per step, so round 2 may take 10 x 10 x 0.2 =
  // 20 s, sooner than round 1's timer at 100 s.
  check_round2_deadline(100, 2s, 20s, "missed the deadline of round 2 (20 s)");
}

TEST_CASE("server: a deadline timer of an earlier round is set again for the open one") {
  // Round 1 ends at 0.5 s, before its deadline at 1 s; round 2 may take
  // 10 x 10 x 0.05 = 5 s. The timer of round 1 fires at 1 s and is set again
  // for 5.5 s: b is lost then, not at 1 s.
  check_round2_deadline(1, 500ms, 5s, "missed the deadline of round 2 (5 s)");
}

TEST_CASE("server: a replacement takes over lost ids from the next round, with new streams") {
  server_fixture fx(2, schedules::constant_rounds(30, 3), quick(true));
  caf::scoped_actor a{fx.sys};
  fx.join(a, 1);
  {
    caf::scoped_actor lost{fx.sys};
    fx.join(lost, 1);
    fx.answer(a, fx.next_epoch(a), 0, 1, 1.0);
  } // its actor ends: the server sees it go down
  const auto e2 = fx.next_epoch(a);
  CHECK(e2.round == 2);
  caf::scoped_actor c{fx.sys};
  CHECK(fx.join(c, 1) == 1);
  fx.answer(a, e2, 0, 1, 1.0); // round 2 without the replacement
  stream_state s;
  const auto e3c = fx.next_epoch(c, &s);
  CHECK(e3c.round == 3);
  CHECK(s.first_worker == 1);
  CHECK(s.positions == std::vector<uint64_t>{0});
  CHECK(s.incarnations == std::vector<uint32_t>{1});
  const auto e3a = fx.next_epoch(a);
  fx.answer(a, e3a, 0, 1, 1.0);
  fx.answer(c, e3c, 1, 1, 3.0);
  const auto end = fx.end();
  CHECK(end.reason == "none");
  REQUIRE(end.rec().complete);
  CHECK(end.rec().round_workers() == std::vector<uint32_t>{2, 1, 1, 2});
  CHECK(end.rec().round_errors.back() == f_at(2.0));
  CHECK(fx.log->has("replaced"));
}

TEST_CASE("server, abort policy: a block lost before the run starts frees its ids for the next join") {
  server_fixture gx(3, schedules::one_shot(10), fault_policy{});
  caf::scoped_actor x{gx.sys};
  REQUIRE(gx.join(x, 1) == 0);
  {
    caf::scoped_actor early{gx.sys};
    REQUIRE(gx.join(early, 1) == 1);
  } // gone before the third joined
  gx.ds.run();
  CHECK(gx.end().reason == "still running");
  CHECK(gx.log->has("lost workers 1..1 before the run started"));
  caf::scoped_actor y{gx.sys};
  CHECK(gx.join(y, 2) == 1); // its ids again, and the run starts
  stream_state none;
  const auto e = gx.next_epoch(y, &none);
  CHECK(none.positions.empty()); // fresh streams: no stream state sent
  gx.next_epoch(x);
  gx.answer(x, e, 0, 1, 1.0);
  gx.answer(y, e, 1, 2, 1.0);
  const auto end = gx.end();
  CHECK(end.reason == "none");
  CHECK(end.rec().round_workers() == std::vector<uint32_t>{3, 3});
}

TEST_CASE("server: the join timeout fails the run with join_timeout unless all N joined") {
  server_fixture fx(2, schedules::one_shot(10), fault_policy{}, 5);
  caf::scoped_actor a{fx.sys};
  fx.join(a, 1);
  fx.ds.advance(4s);
  CHECK(fx.end().reason == "still running");
  fx.ds.advance(1s);
  const auto end = fx.end();
  CHECK(run_errc_of(end.error) == run_errc::join_timeout);
  CHECK(end.reason.find("join timeout: 2 workers did not join") != std::string::npos);
  CHECK(end.records.empty());

  server_fixture gx(1, schedules::one_shot(10), fault_policy{}, 5);
  caf::scoped_actor b{gx.sys};
  gx.join(b, 1);
  gx.next_epoch(b);
  gx.ds.advance(5s); // joined in time: the timer does nothing
  CHECK(gx.end().reason == "still running");
}

TEST_CASE("run_errc: an error keeps its code and renders as its sentence") {
  deterministic_system ds;
  const auto e = caf::make_error(run_errc::checkpoint_failed, std::string("server: disk full"));
  CHECK(run_errc_of(e) == run_errc::checkpoint_failed);
  CHECK(ds.sys->render(e) == "server: disk full");
  CHECK(ds.sys->render(caf::make_error(run_errc::no_workers)) == "no_workers");
  CHECK(!run_errc_of(caf::make_error(caf::sec::runtime_error, std::string("x"))));
  CHECK(!run_errc_of(caf::error{}));
}

// One-shot over 30 steps, recorded every 10: with one recorded step per
// trace message and one in flight, the blocks may run one chunk ahead of the
// slowest; a block lost mid-round leaves the later chunks to the other.
TEST_CASE("server: traces in chunks, one in flight, a block lost between chunks") {
  server_fixture fx(2, schedules::one_shot(30), quick(true), 0, 1, nullptr, 1);
  caf::scoped_actor a{fx.sys}, b{fx.sys};
  REQUIRE(fx.join(a, 1) == 0);
  REQUIRE(fx.join(b, 1) == 1);
  const auto e = fx.next_epoch(a);
  fx.next_epoch(b);
  CHECK(e.trace_steps == 1);
  CHECK(e.trace_credit == 1);
  auto proceed_of = [&](caf::scoped_actor& w) {
    uint32_t allowed = 0;
    w->receive([&](atom::proceed, uint32_t round, uint32_t chunks) {
                 CHECK(round == 1);
                 allowed = chunks;
               },
               caf::after(0s) >> [] {});
    return allowed;
  };
  auto chunk = [&](caf::scoped_actor& w, uint32_t id, uint64_t step, double v) {
    w->send(fx.srv, trace{1, id, 1, false, {step}, pack(Eigen::MatrixXd::Constant(2, 1, v))});
    fx.ds.run();
  };
  chunk(b, 1, 10, 3.0); // ahead of block a: held until a's chunk 0 arrives
  CHECK(proceed_of(b) == 0);
  chunk(a, 0, 10, 1.0);
  CHECK(proceed_of(a) == 2);
  CHECK(proceed_of(b) == 2);
  chunk(a, 0, 20, 1.0);
  chunk(b, 1, 30, 3.0); // the wrong step for its chunk 1: b is lost
  CHECK(fx.log->has("wrong steps"));
  CHECK(proceed_of(a) == 3);
  chunk(a, 0, 30, 5.0);
  a->send(fx.srv, model{1, 0, 1, pack(Eigen::MatrixXd::Constant(2, 1, 5.0)), {}});
  const auto end = fx.end();
  CHECK(end.reason == "none");
  REQUIRE(end.rec().complete);
  const auto& t = end.rec().trajectory; // steps 0, 10, 20, 30
  REQUIRE(t.size() == 4);
  CHECK(t[1] == f_at(2.0)); // both blocks
  CHECK(t[2] == f_at(1.0)); // a alone, b was lost before its chunk 1 counted
  CHECK(t[3] == f_at(5.0));
  CHECK(end.rec().round_workers() == std::vector<uint32_t>{2, 1});
}
