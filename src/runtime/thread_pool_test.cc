#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "runtime/executor.h"

namespace webnn::runtime {
namespace {

// Activity counts what was posted and what has not finished: a job that is still running is
// unfinished, and once WaitIdle returns every posted job has run to its end.
TEST(ThreadPool, ActivityCountsUnfinishedJobsAndWaitIdleWaitsForThem) {
  ThreadPool pool(2);
  EXPECT_EQ(pool.activity().posted, 0u);
  EXPECT_EQ(pool.activity().unfinished, 0u);

  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> ran{0};
  pool.Post([released, &ran] {
    released.wait();
    ++ran;
  });
  pool.Post([&ran] { ++ran; });
  EXPECT_EQ(pool.activity().posted, 2u);
  // The first job cannot end before it is released.
  EXPECT_GE(pool.activity().unfinished, 1u);

  release.set_value();
  pool.WaitIdle();
  EXPECT_EQ(ran.load(), 2);
  EXPECT_EQ(pool.activity().unfinished, 0u);
  EXPECT_EQ(pool.activity().posted, 2u);
}

// A job posting another: WaitIdle waits for both.
TEST(ThreadPool, WaitIdleIncludesJobsPostedByJobs) {
  ThreadPool pool(1);
  std::atomic<bool> inner{false};
  pool.Post([&pool, &inner] { pool.Post([&inner] { inner = true; }); });
  pool.WaitIdle();
  EXPECT_TRUE(inner.load());
  EXPECT_EQ(pool.activity().posted, 2u);
  EXPECT_EQ(pool.activity().unfinished, 0u);
}

}  // namespace
}  // namespace webnn::runtime
