#include "runtime/io/atomic_file.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace lsgd {

void write_file_atomically(const std::string& path, const std::string& content) {
  const auto tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out)
      throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + path);
  }
}

} // namespace lsgd
