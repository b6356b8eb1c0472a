// The files the program reads and writes: regular files with a size cap,
// quoted input in errors, atomic writes, the results folder.
#include "runtime/io/atomic_file.hpp"
#include "runtime/io/dataset_reader.hpp"
#include "runtime/io/printable.hpp"
#include "runtime/io/regular_file.hpp"
#include "runtime/store/output_folder.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/runtime/temp_dir.hpp"

using namespace lsgd;
namespace fs = std::filesystem;

namespace {

// Named for this file, so that two test files never share a folder.
struct temp_dir : test::temp_dir {
  temp_dir() : test::temp_dir("lsgd_files_") {}
};

void write(const std::string& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

bool has_temporary(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp.") != std::string::npos)
      return true;
  return false;
}

} // namespace

TEST_CASE("printable escapes control characters and bounds the length") {
  CHECK(printable("plain text, ünïcödé") == "plain text, ünïcödé");
  CHECK(printable("a\x1b[31mred\x07") == "a\\x1b[31mred\\x07");
  CHECK(printable("two\nlines\r\t") == "two\\nlines\\r\\t");
  CHECK(printable("\x7f") == "\\x7f");
  CHECK(printable("\xc2\x9b" "2J") == "\\xc2\\x9b2J"); // C1 CSI in UTF-8
  CHECK(printable("\xff\xfe") == "\\xff\\xfe");       // not UTF-8
  CHECK(printable("\xe2\x82") == "\\xe2\\x82");       // a cut sequence
  const std::string huge(5 << 20, 'x');
  const auto cut = printable(huge, 50);
  CHECK(cut.size() < 80);
  CHECK(cut == std::string(50, 'x') + "... (5242880 bytes)");
}

TEST_CASE("read_regular_file refuses FIFOs, devices and folders, and caps the size") {
  temp_dir tmp;
  const auto fifo = tmp / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Would block forever on open() or read() without O_NONBLOCK and the check.
  CHECK_THROWS_WITH_AS(read_regular_file(fifo, 100, "the config file"),
                       doctest::Contains("the config file is a FIFO, not a regular file"),
                       file_error);
  CHECK_THROWS_WITH_AS(read_regular_file("/dev/zero", 100, "the data file"),
                       doctest::Contains("is a character device"), file_error);
  CHECK_THROWS_WITH_AS(read_regular_file(tmp.path.string(), 100, "the data file"),
                       doctest::Contains("is a folder"), file_error);
  write(tmp / "big", std::string(101, 'x'));
  CHECK_THROWS_WITH_AS(read_regular_file(tmp / "big", 100, "the config file"),
                       doctest::Contains("larger than the limit of 100 bytes"), file_error);
  CHECK(read_regular_file(tmp / "big", 101, "x") == std::string(101, 'x'));
  try {
    read_regular_file(tmp / "none", 100, "the F* cache");
    FAIL("no error");
  } catch (const file_error& e) {
    CHECK(e.missing());
    CHECK(std::string(e.what()).find("cannot open the F* cache") != std::string::npos);
  }
}

TEST_CASE("the data reader refuses special files and escapes what it quotes") {
  temp_dir tmp;
  CHECK_THROWS_WITH_AS(read_data_file("/dev/urandom"), doctest::Contains("not a regular file"),
                       dataset_error);
  dataset_format f;
  f.header = true;
  const std::string evil = "a,b\n1,\x1b]0;owned\x07\n";
  try {
    parse_dataset(evil, "d\x1b.csv", f);
    FAIL("no error");
  } catch (const dataset_error& e) {
    const std::string what = e.what();
    CHECK(what.find('\x1b') == std::string::npos);
    CHECK(what.find('\x07') == std::string::npos);
    CHECK(what.find("d\\x1b.csv:2:") == 0);
    CHECK(what.find("\\x1b]0;owned\\x07") != std::string::npos);
  }
  f.label_name = std::string(5 << 20, 'q');
  CHECK_THROWS_WITH_AS(parse_dataset("a,b\n1,2\n", "d.csv", f),
                       doctest::Contains("no column named"), dataset_error);
  try {
    parse_dataset("a,b\n1,2\n", "d.csv", f);
  } catch (const dataset_error& e) {
    CHECK(std::string(e.what()).size() < 500);
  }
}

TEST_CASE("write_file_atomically leaves no temporary file when it fails") {
  temp_dir tmp;
  write_file_atomically(tmp / "a.json", "{}\n");
  CHECK(read_regular_file(tmp / "a.json", 10, "x") == "{}\n");
  CHECK(!has_temporary(tmp.path));
  // The rename fails: the target is a non-empty folder.
  fs::create_directories(tmp.path / "full" / "x");
  CHECK_THROWS_WITH_AS(write_file_atomically(tmp / "full", "data"),
                       doctest::Contains("cannot replace"), std::runtime_error);
  CHECK(!has_temporary(tmp.path));
  CHECK_THROWS_WITH_AS(write_file_atomically(tmp / "no/such/folder/f", "data"),
                       doctest::Contains("cannot write"), std::runtime_error);
}

TEST_CASE("a results folder holding results is refused unless overwritten") {
  temp_dir tmp;
  const auto out = tmp / "out";
  prepare_output_folder(out, false); // created
  CHECK(fs::is_directory(out));
  CHECK(fs::is_empty(out));          // the probe file is gone
  prepare_output_folder(out, false); // empty: fine
  write(out + "/summary.json", "{}");
  fs::create_directories(out + "/checkpoint");
  write(out + "/checkpoint/batch-0.ckpt", "old");
  write(out + "/notes.txt", "mine");
  CHECK_THROWS_WITH_AS(prepare_output_folder(out, false),
                       doctest::Contains("summary.json, checkpoint): pass --overwrite"),
                       output_folder_error);
  CHECK(fs::exists(out + "/summary.json"));
  prepare_output_folder(out, true);
  CHECK(!fs::exists(out + "/summary.json"));
  CHECK(!fs::exists(out + "/checkpoint"));
  CHECK(fs::exists(out + "/notes.txt")); // only what a run writes is replaced

  write(tmp / "a_file", "x");
  CHECK_THROWS_WITH_AS(prepare_output_folder(tmp / "a_file/out", false),
                       doctest::Contains("cannot create it"), output_folder_error);
  CHECK_THROWS_WITH_AS(check_output_folder(tmp / "missing"), doctest::Contains("not a folder"),
                       output_folder_error);
  if (::geteuid() != 0) { // root writes into read-only folders
    fs::create_directories(tmp / "locked");
    fs::permissions(tmp / "locked", fs::perms::owner_read | fs::perms::owner_exec);
    CHECK_THROWS_WITH_AS(prepare_output_folder(tmp / "locked", false),
                         doctest::Contains("cannot write into it"), output_folder_error);
    fs::permissions(tmp / "locked", fs::perms::owner_all);
  }
}
