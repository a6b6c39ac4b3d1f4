#include "service/accounting.h"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <vector>

namespace webnn::service {
namespace {

// A service that served many connections keeps entries only for the clients still there: the
// ones that have gone are dropped when the next connection is tracked.
TEST(Registry, TrackDropsTheClientsThatHaveGone) {
  std::ostringstream sink;
  Logger log(LogLevel::kError, sink);
  Accounts accounts{ClientLimits{}};
  Registry registry;
  auto live = std::make_shared<ClientState>(accounts.For("uid 1"), log);
  Track(registry, live);
  for (int i = 0; i < 100; ++i) {
    auto gone = std::make_shared<ClientState>(accounts.For("uid 2"), log);
    Track(registry, gone);
  }  // each `gone` ends here, as a closed connection's state does
  auto last = std::make_shared<ClientState>(accounts.For("uid 3"), log);
  Track(registry, last);
  ASSERT_EQ(registry.size(), 2u);
  EXPECT_EQ(registry.front().lock(), live);
  EXPECT_EQ(registry.back().lock(), last);
}

}  // namespace
}  // namespace webnn::service
