// The rendezvous through a shared file: serve writes the HOST:PORT it listens
// on, join waits until the file holds one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace lsgd {

/// "HOST:PORT" -> (host, port), port 0 .. 65535; `what` names the source in
/// the message ("--listen", "join"). Throws config_error.
std::pair<std::string, uint16_t> parse_address(const std::string& text, const char* what);

/// The address joiners are told: `host` as serve listens on it, or this
/// machine's name for a wildcard (0.0.0.0, ::), which nobody can connect to.
std::string advertised_address(const std::string& host, uint16_t port);

/// Throws config_error when `path` cannot become an address file: it is a
/// folder, or its folder does not exist.
void check_address_file_path(const std::string& path);

/// What an address file holds: an address, or in one line why not.
struct address_reading {
  std::optional<std::pair<std::string, uint16_t>> address;
  std::string text; // the HOST:PORT read, if any
  std::string why;  // no address: "F does not exist", "... is a FIFO ...", "... holds ..."
};

/// Reads `path` once: one line HOST:PORT with a port 1 .. 65535 (a trailing
/// newline allowed). A FIFO, a device or a folder is refused unread, and at
/// most a few KB are read.
address_reading read_address_file(const std::string& path);

/// Reads `path` until it holds an address or `seconds` have passed (at least
/// one read), pausing 0.1 s doubling to 2 s between reads. A file that is
/// missing, unreadable or garbage is read again: a serve may still write it.
address_reading wait_for_address_file(const std::string& path, double seconds);

/// serve's address file: written atomically (runtime/io/atomic_file.hpp) on
/// construction, removed on destruction unless another serve has replaced it
/// since. Throws std::runtime_error (one line) when it cannot be written.
class published_address {
public:
  published_address(std::string path, const std::string& address);
  ~published_address();
  published_address(const published_address&) = delete;
  published_address& operator=(const published_address&) = delete;

private:
  std::string path_;
  std::string content_;
};

} // namespace lsgd
