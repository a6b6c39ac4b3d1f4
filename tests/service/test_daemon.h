// What the service's integration tests share: a webnnd of their own on a private socket, its
// stderr in a log file; reading that log; an expected exception's text.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "service/spawn.h"
#include "webnn/webnn.h"

namespace webnn::service_test {

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
