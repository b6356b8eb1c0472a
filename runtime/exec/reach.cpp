#include "runtime/exec/reach.hpp"

#include "runtime/exec/address_file.hpp"
#include "runtime/exec/tls.hpp"

#include <algorithm>
#include <optional>
#include <thread>

namespace lsgd {

using std::chrono::milliseconds;

milliseconds next_backoff(milliseconds previous) {
  constexpr milliseconds first{100};
  constexpr milliseconds longest{2000};
  return previous.count() <= 0 ? first : std::min(previous * 2, longest);
}

caf::expected<server_actor> reach_server(caf::actor_system& sys, const std::string& host,
                                         uint16_t port, const tls_config& tls,
                                         double connect_timeout, double retry_for) {
  using clock = std::chrono::steady_clock;
  auto span = [](double s) {
    return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(s));
  };
  const auto retry_deadline = clock::now() + span(retry_for);
  std::optional<clock::time_point> handshake_deadline; // once a listener accepted us
  milliseconds pause{0};
  for (;;) {
    const auto start = clock::now();
    const auto budget = handshake_deadline ? *handshake_deadline - start : span(connect_timeout);
    auto srv = tls::connect(sys, host, port, tls,
                            std::chrono::duration_cast<caf::timespan>(budget));
    const auto now = clock::now();
    if (srv)
      return srv;
    if (srv.error() == caf::sec::cannot_connect_to_node && now < retry_deadline) {
      // Nobody listens (yet): the last try at the deadline.
      pause = next_backoff(pause);
      std::this_thread::sleep_for(std::min<clock::duration>(pause, retry_deadline - now));
      continue;
    }
    if (srv.error() != caf::sec::connection_timeout)
      return srv;
    // CAF 0.17.6 starts a client connection's last-seen time at the epoch
    // (basp_broker's connect handler), so its next heartbeat tick drops any
    // connection whose server handshake has not arrived yet. Try again within
    // the handshake's time.
    if (!handshake_deadline)
      handshake_deadline = start + span(connect_timeout);
    if (now >= *handshake_deadline)
      return caf::make_error(caf::sec::request_timeout);
    pause = next_backoff(milliseconds{0});
    std::this_thread::sleep_for(std::min<clock::duration>(pause, *handshake_deadline - now));
  }
}

std::optional<caf::expected<server_actor>>
reach_server_named_in(caf::actor_system& sys, const std::string& path, const tls_config& tls,
                      double connect_timeout, double retry_for, std::string& address,
                      std::string& why) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now()
                        + std::chrono::duration_cast<clock::duration>(
                          std::chrono::duration<double>(retry_for));
  milliseconds pause{0};
  for (;;) {
    const auto left = std::chrono::duration<double>(deadline - clock::now()).count();
    auto reading = wait_for_address_file(path, left);
    if (!reading.address) {
      why = reading.why;
      return std::nullopt;
    }
    address = reading.text;
    auto srv = reach_server(sys, reading.address->first, reading.address->second, tls,
                            connect_timeout, 0);
    const auto now = clock::now();
    if (srv || srv.error() != caf::sec::cannot_connect_to_node || now >= deadline)
      return srv;
    pause = next_backoff(pause);
    std::this_thread::sleep_for(std::min<clock::duration>(pause, deadline - now));
  }
}

} // namespace lsgd
