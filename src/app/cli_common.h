// chancery/app internal: small helpers every command shares.
#pragma once

#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

#include "base/status.h"

namespace chancery::store {
class Store;
}

namespace chancery::app {

// Prints "chancery: <message>" on stderr and returns the failing exit code.
inline int Fail(const std::string& message) {
  std::cerr << "chancery: " << message << "\n";
  return 1;
}

// The wall clock in Unix seconds.
inline int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The store of the site in `data_dir` (its chancery.toml and environment
// applied), or a clear error when the folder holds no site.
Result<std::unique_ptr<store::Store>> OpenSiteStore(const std::string& data_dir);

}  // namespace chancery::app
