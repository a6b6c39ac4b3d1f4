// What the service's integration tests share: a webnnd of their own on a private socket, its
// stderr in a log file; reading that log; an expected exception's text.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "service/spawn.h"
#include "testing/sanitizers.h"
#include "webnn/webnn.h"

namespace webnn::service_test {

// Whether this test runs under AddressSanitizer (its quarantine keeps freed memory: RSS checks
// do not hold there, and big allocations cost more).
using webnn::testing::kAddressSanitizer;

// Polls `ok` until it holds or a minute has passed (a bound against hanging, not a timing
// assertion); returns whether it held.
inline bool WaitUntil(const std::function<bool()>& ok) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ok();
}

// A TCP port on 127.0.0.1 that was free a moment ago.
inline int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// The message of the webnn::Exception `f` throws (a test failure when it throws none).
inline std::string ExpectThrows(const std::function<void()>& f) {
  try {
    f();
  } catch (const Exception& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception";
  return {};
}

// A webnnd (the WEBNND the test was built with) started with `args` on `socket` (default: in
// its own temporary directory). A start that fails is a test failure showing the log.
struct DaemonProcess {
  service::TempDir dir;
  std::string log = dir.path() + "/webnnd.log";
  std::string socket = dir.path() + "/s.sock";
  std::optional<service::SpawnedService> process;

  DaemonProcess() = default;
  explicit DaemonProcess(const std::vector<std::string>& args, std::string socket_path = "") {
    if (!socket_path.empty()) socket = std::move(socket_path);
    Start(args);
  }
  void Start(const std::vector<std::string>& args) {
    std::vector<std::string> cmd{WEBNND};
    cmd.insert(cmd.end(), args.begin(), args.end());
    auto p = service::SpawnedService::Start(cmd, socket, log);
    if (!p.ok()) ADD_FAILURE() << p.error().ToString() << "\n" << ReadFile(log);
    if (p.ok()) process.emplace(std::move(p).value());
  }
  std::string endpoint() const { return "unix:" + socket; }
};

}  // namespace webnn::service_test
