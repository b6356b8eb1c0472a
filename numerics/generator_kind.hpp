// Which random-number generator a run's streams use (config: random.generator).
#pragma once

#include <optional>
#include <string>

namespace lsgd {

/// - philox4x64_ziggurat: Philox4x64-10 words and Boost's ziggurat normal, the
///   generator of every number published before issue 12 (kept so they reproduce).
/// - philox4x32_boxmuller: Philox4x32-10 and Box-Muller with our own log, sin and
///   cos, vectorized over streams (numerics/simd/); the default for new runs.
enum class generator_kind { philox4x64_ziggurat, philox4x32_boxmuller };

inline constexpr generator_kind default_generator = generator_kind::philox4x32_boxmuller;

/// The config spelling: "philox4x64-ziggurat" or "philox4x32-boxmuller".
std::string generator_name(generator_kind k);

/// The kind a config spelling names, or nothing.
std::optional<generator_kind> parse_generator(const std::string& name);

} // namespace lsgd
