// The built-in communication schedules (numerics/schedule.hpp).
#include "runtime/components/builtins.hpp"

namespace lsgd {

namespace {

constexpr int64_t max_steps = int64_t{1} << 40;

key_spec rounds_key(const std::string& doc) {
  return integer_or_text_key("rounds", doc + ": a positive integer, \"N\", \"sqrt(N)\" or "
                                             "\"N^p\" (p in (0, 4], also \"N^(1/3)\"), rounded up");
}

// The rounds rule of `v`, parsed once, here.
rounds_rule read_rounds(const values& v) {
  const auto& given = v.value("rounds");
  if (auto i = std::get_if<int64_t>(&given)) {
    if (*i < 1)
      v.fail("rounds", "must be >= 1, got " + std::to_string(*i));
    return rounds_rule::fixed(static_cast<uint64_t>(*i));
  }
  try {
    return rounds_rule::parse(std::get<std::string>(given));
  } catch (const std::invalid_argument& e) {
    v.fail("rounds", e.what());
  }
}

// A schedule with no keys: the times are a function of T and N alone.
schedule_component fixed_schedule(std::string name, std::string doc, schedule_rule rule) {
  schedule_component c;
  c.name = std::move(name);
  c.doc = std::move(doc);
  c.make = [rule = std::move(rule)](values&) { return rule; };
  return c;
}

// A schedule whose one key is its number of rounds R.
schedule_component rounds_schedule(std::string name, std::string doc,
                                   comm_times (*times)(uint64_t T, uint64_t R)) {
  schedule_component c;
  c.name = std::move(name);
  c.doc = std::move(doc);
  c.shorthand = false;
  c.keys = {rounds_key("R").needed()};
  c.make = [times](values& v) -> schedule_rule {
    const auto R = read_rounds(v);
    return [R, times](uint64_t T, uint64_t N) { return times(T, R.resolve(N)); };
  };
  return c;
}

} // namespace

schedule_component synchronous_schedule() {
  return fixed_schedule("synchronous", "H = 1, R = T: mini-batch SGD",
                        [](uint64_t T, uint64_t) { return schedules::synchronous(T); });
}

schedule_component stich_schedule() {
  return fixed_schedule("stich", "H = floor(sqrt(T/N)), at least 1 (Stich 2019)",
                        [](uint64_t T, uint64_t N) { return schedules::stich(T, N); });
}

schedule_component haddadpour_schedule() {
  return fixed_schedule("haddadpour", "H = floor((T^2/N)^(1/3)), at least 1 (Haddadpour et al. "
                                      "2019)",
                        [](uint64_t T, uint64_t N) { return schedules::haddadpour(T, N); });
}

schedule_component one_shot_schedule() {
  return fixed_schedule("one_shot", "R = 1: average once, at T",
                        [](uint64_t T, uint64_t) { return schedules::one_shot(T); });
}

schedule_component constant_schedule() {
  schedule_component c;
  c.name = "constant";
  c.doc = "a constant period: exactly one of period = H or rounds = R (times ceil(T r / R))";
  c.shorthand = false;
  c.keys = {integer_key("period", "H, the steps between rounds").at_least(1).at_most(max_steps),
            rounds_key("R")};
  c.make = [](values& v) -> schedule_rule {
    if (v.has("period") == v.has("rounds"))
      v.fail("period", "a constant schedule takes exactly one of period and rounds");
    if (v.has("period")) {
      const auto H = static_cast<uint64_t>(v.integer("period"));
      return [H](uint64_t T, uint64_t) { return schedules::constant_period(T, H); };
    }
    const auto R = read_rounds(v);
    return [R](uint64_t T, uint64_t N) { return schedules::constant_rounds(T, R.resolve(N)); };
  };
  return c;
}

schedule_component increasing_schedule() {
  return rounds_schedule("increasing",
                         "the paper's schedule: H_i = a (i + 1), a = 2T/(R(R+1)); times that "
                         "repeat after rounding down count as one round",
                         schedules::increasing);
}

schedule_component decreasing_schedule() {
  return rounds_schedule("decreasing", "the increasing intervals in reverse order (a control)",
                         schedules::decreasing);
}

schedule_component explicit_schedule() {
  schedule_component c;
  c.name = "explicit";
  c.doc = "given times in (0, T], strictly increasing; T is appended";
  c.shorthand = false;
  c.keys = {integers_key("times", "the communication times").at_least(1).at_most(max_steps)
              .needed()};
  c.make = [](values& v) -> schedule_rule {
    const auto& given = v.integers("times");
    std::vector<uint64_t> times(given.begin(), given.end());
    return [times](uint64_t T, uint64_t) { return schedules::explicit_times(T, times); };
  };
  return c;
}

} // namespace lsgd
