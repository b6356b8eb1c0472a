// The address-file rendezvous: what counts as an address, waiting for one,
// and serve's file that is written whole and removed after.
#include "runtime/config/config_error.hpp"
#include "runtime/exec/address_file.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "tests/runtime/temp_dir.hpp"

using namespace lsgd;
namespace fs = std::filesystem;

namespace {

// Named for this file, so that two test files never share a folder.
struct temp_dir : test::temp_dir {
  temp_dir() : test::temp_dir("lsgd_address_") {}
};

void write(const std::string& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

std::string content(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

} // namespace

TEST_CASE("address file: one HOST:PORT line is an address, anything else is not") {
  temp_dir dir;
  const auto f = dir / "address";
  write(f, "node17.cluster:7000\n");
  auto r = read_address_file(f);
  REQUIRE(r.address);
  CHECK(r.address->first == "node17.cluster");
  CHECK(r.address->second == 7000);
  CHECK(r.text == "node17.cluster:7000");
  write(f, "127.0.0.1:41000"); // no newline
  CHECK(read_address_file(f).address);
  for (const char* bad : {"", "\n", "127.0.0.1", "127.0.0.1:0\n", "127.0.0.1:70000\n",
                          "a b:7000\n", "127.0.0.1:7000\n127.0.0.1:7001\n", ":7000\n",
                          "h:70x\n", "\x1b[31mh:7000\n"}) {
    write(f, bad);
    r = read_address_file(f);
    CHECK_MESSAGE(!r.address, bad);
    CHECK(r.why.find("does not hold HOST:PORT") != std::string::npos);
    CHECK(r.why.find('\x1b') == std::string::npos); // quoted printable
  }
}

TEST_CASE("address file: missing, a FIFO, a device or too large is refused without blocking") {
  temp_dir dir;
  CHECK(read_address_file(dir / "none").why.find("does not exist") != std::string::npos);
  const auto fifo = dir / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(read_address_file(fifo).why.find("a FIFO") != std::string::npos);
  CHECK(read_address_file("/dev/zero").why.find("a character device") != std::string::npos);
  CHECK(read_address_file(dir.path.string()).why.find("a folder") != std::string::npos);
  const auto big = dir / "big";
  write(big, std::string(100000, '1'));
  CHECK(read_address_file(big).why.find("larger than the limit") != std::string::npos);
}

TEST_CASE("address file: waiting returns the address a writer puts there later") {
  temp_dir dir;
  const auto f = dir / "address";
  write(f, "half-written"); // garbage first, as a non-atomic writer would leave it
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    published_address p(f, "127.0.0.1:7123");
    std::this_thread::sleep_for(std::chrono::seconds(3)); // kept while the reader waits
  });
  const auto r = wait_for_address_file(f, 30); // bounded; returns as soon as it is there
  writer.join();
  REQUIRE(r.address);
  CHECK(r.address->second == 7123);
}

TEST_CASE("address file: waiting gives up after its time and says why") {
  temp_dir dir;
  const auto r = wait_for_address_file(dir / "never", 0.3);
  CHECK(!r.address);
  CHECK(r.why.find("never does not exist") != std::string::npos);
  CHECK(!wait_for_address_file(dir / "never", 0).address); // 0: one read
}

TEST_CASE("address file: serve's file is written whole and removed unless replaced") {
  temp_dir dir;
  const auto f = dir / "address";
  {
    published_address p(f, "127.0.0.1:7000");
    CHECK(content(f) == "127.0.0.1:7000\n");
  }
  CHECK(!fs::exists(f));
  {
    published_address p(f, "127.0.0.1:7000");
    write(f, "127.0.0.1:7001\n"); // a newer serve took over
  }
  CHECK(content(f) == "127.0.0.1:7001\n");
  CHECK_THROWS_AS(published_address(dir / "no/such/folder", "h:1"), std::runtime_error);
}

TEST_CASE("address file: a folder or a path in no folder cannot become one") {
  temp_dir dir;
  CHECK_NOTHROW(check_address_file_path(dir / "address"));
  CHECK_THROWS_AS(check_address_file_path(dir.path.string()), config_error);
  CHECK_THROWS_AS(check_address_file_path(dir / "no/address"), config_error);
  CHECK_THROWS_AS(check_address_file_path(""), config_error);
}

TEST_CASE("address file: a wildcard listen address is advertised as this host's name") {
  char name[256] = {};
  REQUIRE(::gethostname(name, sizeof(name) - 1) == 0);
  CHECK(advertised_address("0.0.0.0", 7000) == std::string(name) + ":7000");
  CHECK(advertised_address("10.0.0.5", 7000) == "10.0.0.5:7000");
}
