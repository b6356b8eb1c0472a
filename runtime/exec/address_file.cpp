#include "runtime/exec/address_file.hpp"

#include "runtime/config/config_error.hpp"
#include "runtime/exec/reach.hpp"
#include "runtime/io/atomic_file.hpp"
#include "runtime/io/printable.hpp"
#include "runtime/io/regular_file.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace lsgd {

std::pair<std::string, uint16_t> parse_address(const std::string& text, const char* what) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw config_error(std::string(what) + " " + text + ": expected HOST:PORT");
  const auto port_text = text.substr(colon + 1);
  unsigned long port = 0;
  size_t used = 0;
  try {
    port = std::stoul(port_text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != port_text.size() || port > 65535)
    throw config_error(std::string(what) + " " + text + ": the port must be 0 .. 65535");
  return {text.substr(0, colon), static_cast<uint16_t>(port)};
}

std::string advertised_address(const std::string& host, uint16_t port) {
  std::string name = host;
  if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]") {
    char buffer[HOST_NAME_MAX + 1] = {};
    if (::gethostname(buffer, sizeof(buffer) - 1) == 0 && buffer[0] != '\0')
      name = buffer;
  }
  return name + ":" + std::to_string(port);
}

void check_address_file_path(const std::string& path) {
  const auto name = printable(path);
  struct stat info {};
  if (path.empty())
    throw config_error("--address-file: the file name is empty");
  if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
    throw config_error("--address-file " + name + " is a folder");
  const auto slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/"
                                                                            : path.substr(0, slash);
  if (::stat(folder.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
    throw config_error("--address-file " + name + ": its folder " + printable(folder)
                       + " does not exist");
}

address_reading read_address_file(const std::string& path) {
  address_reading r;
  std::string bytes;
  try {
    bytes = read_regular_file(path, file_limits::address_file, "the address file");
  } catch (const file_error& e) {
    r.why = e.missing() ? printable(path) + " does not exist" : e.what();
    return r;
  }
  auto line = bytes;
  if (!line.empty() && line.back() == '\n')
    line.pop_back();
  const bool one_word
    = !line.empty()
      && std::none_of(line.begin(), line.end(), [](unsigned char c) { return c <= ' ' || c >= 127; });
  try {
    if (!one_word)
      throw config_error("");
    auto address = parse_address(line, "the address file");
    if (address.second == 0)
      throw config_error("");
    r.address = std::move(address);
    r.text = line;
  } catch (const config_error&) {
    r.why = printable(path) + " does not hold HOST:PORT but \"" + printable(bytes, 60) + "\"";
  }
  return r;
}

address_reading wait_for_address_file(const std::string& path, double seconds) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now()
                        + std::chrono::duration_cast<clock::duration>(
                          std::chrono::duration<double>(std::max(seconds, 0.0)));
  std::chrono::milliseconds pause{0};
  for (;;) {
    auto r = read_address_file(path);
    const auto now = clock::now();
    if (r.address || now >= deadline)
      return r;
    pause = next_backoff(pause);
    std::this_thread::sleep_for(std::min<clock::duration>(pause, deadline - now));
  }
}

published_address::published_address(std::string path, const std::string& address)
  : path_(std::move(path)), content_(address + "\n") {
  write_file_atomically(path_, content_);
}

published_address::~published_address() {
  // A later serve that rewrote the file owns it now.
  try {
    if (read_regular_file(path_, file_limits::address_file, "the address file") == content_)
      ::unlink(path_.c_str());
  } catch (const std::exception&) {
  }
}

} // namespace lsgd
