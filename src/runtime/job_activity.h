// What a runner of jobs on its own threads (the thread pool, webnnd's reaper) has been given.
#pragma once

#include <cstdint>

namespace webnn::runtime {

// The jobs posted so far and those not finished (queued or running). Reading the same `posted`
// before and after something, with `unfinished` 0 before, shows that no job ran or started in
// between: how a test knows that a service has settled.
struct JobActivity {
  uint64_t posted = 0;
  uint64_t unfinished = 0;
};

inline JobActivity operator+(JobActivity a, JobActivity b) {
  return {a.posted + b.posted, a.unfinished + b.unfinished};
}

}  // namespace webnn::runtime
