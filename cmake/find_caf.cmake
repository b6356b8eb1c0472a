# CAF 0.17 as Debian ships it: no CMake config and no pkg-config file, so find
# the headers and libraries and make the targets caf::core, caf::io and
# caf::openssl. Used by our CMakeLists.txt and by the installed package.
if(NOT TARGET caf::core)
  find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
  find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
  find_library(CAF_IO_LIBRARY caf_io REQUIRED)
  find_library(CAF_OPENSSL_LIBRARY caf_openssl REQUIRED)
  add_library(caf::core INTERFACE IMPORTED)
  target_include_directories(caf::core INTERFACE ${CAF_INCLUDE_DIR})
  target_link_libraries(caf::core INTERFACE ${CAF_CORE_LIBRARY})
  add_library(caf::io INTERFACE IMPORTED)
  target_link_libraries(caf::io INTERFACE caf::core ${CAF_IO_LIBRARY})
  add_library(caf::openssl INTERFACE IMPORTED)
  target_link_libraries(caf::openssl INTERFACE caf::io ${CAF_OPENSSL_LIBRARY})
endif()
