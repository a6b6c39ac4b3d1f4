#include "runtime/compute_budget.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace webnn::runtime {
namespace {

TEST(ComputeBudget, NeverGrantsMoreThanItsSize) {
  ComputeBudget budget(3);
  std::atomic<int> in_use{0}, peak{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto grant = budget.Acquire(1 + (t + i) % 3);
        const int now = in_use += static_cast<int>(grant.cores());
        int p = peak.load();
        while (now > p && !peak.compare_exchange_weak(p, now)) {
        }
        in_use -= static_cast<int>(grant.cores());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(peak.load(), 3);
  EXPECT_GE(peak.load(), 1);
}

TEST(ComputeBudget, ClampsToItsSizeAndAtLeastOne) {
  ComputeBudget budget(2);
  EXPECT_EQ(budget.Acquire(16).cores(), 2u);
  EXPECT_EQ(budget.Acquire(0).cores(), 1u);
}

// Arrival order: a request for the whole budget is served before later small ones, even while
// small ones could fit.
TEST(ComputeBudget, FirstComeFirstServed) {
  ComputeBudget budget(2);
  std::vector<int> order;
  std::mutex mu;
  auto first = std::make_unique<ComputeBudget::Grant>(budget.Acquire(1));
  std::thread big([&] {
    auto g = budget.Acquire(2);
    std::lock_guard lock(mu);
    order.push_back(2);
  });
  // The large request queues up, then a small one behind it.
  while (budget.waiting() < 1) std::this_thread::yield();
  std::thread small([&] {
    auto g = budget.Acquire(1);
    std::lock_guard lock(mu);
    order.push_back(1);
  });
  while (budget.waiting() < 2) std::this_thread::yield();
  {
    std::lock_guard lock(mu);
    EXPECT_TRUE(order.empty());  // one core is free, but the large request is first in line
  }
  first.reset();
  big.join();
  small.join();
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(order[0], 2);
  EXPECT_EQ(order[1], 1);
}

// Multi-threaded work runs on a team thread and its status comes back; single-threaded work
// runs on the caller.
TEST(ComputeBudget, RunsWorkWhereItBelongs) {
  ComputeBudget budget(2);
  const std::thread::id caller = std::this_thread::get_id();
  std::thread::id ran_on;
  Status s = budget.Run(1, [&]() -> Status {
    ran_on = std::this_thread::get_id();
    return {};
  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(ran_on, caller);
  s = budget.Run(2, [&]() -> Status {
    ran_on = std::this_thread::get_id();
    return MakeError(ErrorCode::kOperationError, "boom");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(), "boom");
  EXPECT_NE(ran_on, caller);
}

// Many callers at once: every job runs exactly once, the budget is never exceeded, and the
// team stays small (reused, most recent first).
TEST(ComputeBudget, ConcurrentRunsShareTheTeam) {
  ComputeBudget budget(2);
  std::atomic<int> in_use{0}, peak{0}, ran{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 6; ++c) {
    callers.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        Status s = budget.Run(2, [&]() -> Status {
          const int now = in_use += 2;
          int p = peak.load();
          while (now > p && !peak.compare_exchange_weak(p, now)) {
          }
          ++ran;
          in_use -= 2;
          return {};
        });
        EXPECT_TRUE(s.ok());
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(ran.load(), 300);
  EXPECT_LE(peak.load(), 2);
}

}  // namespace
}  // namespace webnn::runtime
