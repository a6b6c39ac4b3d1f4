#include "service/reaper.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace webnn::service {
namespace {

// What Server::Background reports about context ends: posted jobs, and those queued or running.
TEST(Reaper, ActivityCountsQueuedAndRunningJobs) {
  Reaper reaper;
  EXPECT_EQ(reaper.activity().posted, 0u);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> ran{0};
  reaper.Post([released, &ran] {
    released.wait();
    ++ran;
  });
  reaper.Post([&ran] { ++ran; });
  EXPECT_EQ(reaper.activity().posted, 2u);
  // Neither can have finished: the second runs after the first, which waits.
  EXPECT_EQ(reaper.activity().unfinished, 2u);
  release.set_value();
  reaper.Drain();
  EXPECT_EQ(ran.load(), 2);
  EXPECT_EQ(reaper.activity().unfinished, 0u);
  EXPECT_EQ(reaper.activity().posted, 2u);
}

}  // namespace
}  // namespace webnn::service
