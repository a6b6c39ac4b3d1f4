// How many threads "0 = one per core" means on this machine.
#pragma once

#include <algorithm>
#include <cstdint>
#include <thread>

namespace webnn {

// `threads`, or when it is 0 the cores this process may run on (at least 1).
inline uint32_t ThreadsOrCores(uint32_t threads) {
  return threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace webnn
