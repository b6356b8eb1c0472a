// Config spellings of the generator kinds.
#include "numerics/generator_kind.hpp"

namespace lsgd {

std::string generator_name(generator_kind k) {
  return k == generator_kind::philox4x64_ziggurat ? "philox4x64-ziggurat"
                                                  : "philox4x32-boxmuller";
}

std::optional<generator_kind> parse_generator(const std::string& name) {
  if (name == "philox4x64-ziggurat")
    return generator_kind::philox4x64_ziggurat;
  if (name == "philox4x32-boxmuller")
    return generator_kind::philox4x32_boxmuller;
  return std::nullopt;
}

} // namespace lsgd
