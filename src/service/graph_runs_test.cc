#include "service/graph_runs.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace webnn::service {
namespace {

// The build charged one run (100 bytes) of a 250-byte quota: a second concurrent run charges
// another, a third cannot and waits for a run to end, taking its arena.
TEST(GraphRuns, ExtraRunsChargeUntilTheQuotaThenWait) {
  auto account = std::make_shared<Account>();
  account->graph_memory_bytes = 100;
  GraphRuns runs(account, /*run_bytes=*/100, /*limit=*/250);
  runs.Acquire();
  runs.Acquire();
  EXPECT_EQ(runs.arenas(), 2u);
  EXPECT_EQ(account->graph_memory_bytes.load(), 200u);
  std::thread third([&] {
    runs.Acquire();  // returns only once one of the two has been released
    runs.Release();
  });
  runs.Release();
  third.join();
  EXPECT_EQ(runs.arenas(), 2u);
  EXPECT_EQ(account->graph_memory_bytes.load(), 200u) << "a third arena was charged";
  runs.Release();
  // Destroyed: what the extra runs charged is handed back for the refund; nothing more is
  // charged afterwards.
  EXPECT_EQ(runs.Close(), 100u);
  account->graph_memory_bytes = 0;
  runs.Acquire();
  runs.Acquire();
  std::thread after([&] {
    runs.Acquire();  // a third run: no charge now, it waits for one of the two
    runs.Release();
  });
  runs.Release();
  after.join();
  runs.Release();
  EXPECT_EQ(runs.arenas(), 2u);
  EXPECT_EQ(account->graph_memory_bytes.load(), 0u);
}

// Concurrent charges never pass the limit together.
TEST(GraphRuns, AtomicChargeNeverPassesTheLimit) {
  std::atomic<uint64_t> used{0};
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        if (ChargeAtomic(used, 3, 1000)) ++granted;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(used.load(), 999u);
  EXPECT_EQ(granted.load(), 333);
  EXPECT_FALSE(ChargeAtomic(used, ~uint64_t{0}, 1000));
}

}  // namespace
}  // namespace webnn::service
