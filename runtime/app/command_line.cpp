#include "runtime/app/command_line.hpp"

#include "runtime/io/printable.hpp"

#include <caf/config.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace lsgd {

namespace {

// `text` as a number, if all of it is one.
std::optional<double> number(const std::string& text) {
  if (text.empty())
    return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size())
    return std::nullopt;
  return v;
}

CLI::Validator bounded(double min, double max, bool integer, const std::string& what) {
  return CLI::Validator(
    [=](std::string& text) -> std::string {
      const auto v = number(text);
      if (v && std::isfinite(*v) && *v >= min && *v <= max && (!integer || *v == std::floor(*v)))
        return {};
      return "\"" + printable(text, 40) + "\" is not " + what;
    },
    what);
}

} // namespace

std::string version_line() {
  return "localsgd " LSGD_VERSION;
}

std::string caf_version() {
  return std::to_string(CAF_VERSION / 10000) + "." + std::to_string(CAF_VERSION / 100 % 100) + "."
         + std::to_string(CAF_VERSION % 100);
}

std::optional<std::string> unknown_subcommand(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-')
    return std::nullopt;
  const std::string word = argv[1];
  std::string names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->check_name(word))
      return std::nullopt;
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  return "localsgd: unknown subcommand \"" + printable(word, 40) + "\" (the subcommands: "
         + names + "; see localsgd --help)";
}

CLI::Validator seconds_option() {
  return bounded(1e-3, 7 * 24 * 3600.0, false, "a number of seconds in 0.001 .. 604800");
}

CLI::Validator count_option() {
  return bounded(1, 1e6, true, "an integer in 1 .. 1000000");
}

int report_parse_error(const CLI::App& app, const CLI::ParseError& e) {
  if (e.get_exit_code() == 0)
    return app.exit(e); // --help, --version: their text on stdout
  std::fprintf(stderr, "localsgd: %s\n", printable(e.what(), 300).c_str());
  return 2;
}

} // namespace lsgd
