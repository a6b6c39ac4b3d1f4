#include "service/config.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "service/listener.h"
#include "service/log.h"

namespace webnn::service {
namespace {

void ExpectError(const Status& s, const std::string& needle) {
  ASSERT_FALSE(s.ok()) << "expected an error containing: " << needle;
  EXPECT_NE(s.error().message().find(needle), std::string::npos) << s.error().message();
}

template <typename T>
void ExpectError(const Result<T>& r, const std::string& needle) {
  ASSERT_FALSE(r.ok()) << "expected an error containing: " << needle;
  EXPECT_NE(r.error().message().find(needle), std::string::npos) << r.error().message();
}

TEST(ParseUnsigned, AcceptsWholeNumbersInRange) {
  auto r = ParseUnsigned("--threads", "12", 0, 1024);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r.value(), 12u);
  auto top = ParseUnsigned("--allow-uid", "4294967294", 0, kMaxUid);
  ASSERT_TRUE(top.ok()) << top.error().message();
  EXPECT_EQ(top.value(), kMaxUid);
}

TEST(ParseUnsigned, RejectsWhatIsNotAWholeNumber) {
  for (const char* text : {"", "abc", "-1", "+3", " 3", "3 ", "3x", "0x10", "1.5", "1e3"}) {
    ExpectError(ParseUnsigned("--allow-uid", text, 0, kMaxUid),
                std::string("--allow-uid: '") + text + "' is not a whole number");
  }
}

TEST(ParseUnsigned, RejectsValuesOutOfRange) {
  ExpectError(ParseUnsigned("--threads", "1025", 0, 1024), "--threads: 1025 is out of range");
  ExpectError(ParseUnsigned("--threads", "99999999999999999999999", 0, 1024),
              "--threads: 99999999999999999999999 is out of range");
  ExpectError(ParseUnsigned("--allow-uid", "4294967295", 0, kMaxUid),
              "--allow-uid: 4294967295 is out of range");
  ExpectError(ParseUnsigned("x", "0", 1, 5), "x: 0 is out of range (1 to 5)");
}

TEST(ServerConfig, ParsesEveryKey) {
  ServerConfig c;
  Status s = ParseServerConfig(R"({"listen": ["unix:/tmp/x.sock", "tcp:127.0.0.1:5000"],
      "allowedUids": [0, 1000], "tokenFile": "/t", "threads": 3, "backends": ["reference"],
      "intraOpThreads": 2, "maxConnections": 7, "logLevel": "debug",
      "limits": {"maxTensorBytes": 100, "maxConstantBytes": 200, "maxTensorByteLength": 50,
                 "maxGraphs": 4, "maxTensors": 5, "maxContexts": 6,
                 "maxInflightDispatches": 8, "requestsPerSecond": 2.5, "requestBurst": 9}})",
                               "test", c);
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(c.listen.size(), 2u);
  EXPECT_EQ(c.allowed_uids, (std::vector<uint32_t>{0, 1000}));
  EXPECT_EQ(c.token_file, "/t");
  EXPECT_EQ(c.threads, 3u);
  EXPECT_EQ(c.backends, (std::vector<std::string>{"reference"}));
  EXPECT_EQ(c.intra_op_threads, 2u);
  EXPECT_EQ(c.max_connections, 7u);
  EXPECT_EQ(c.log_level, LogLevel::kDebug);
  EXPECT_EQ(c.limits.max_tensor_bytes, 100u);
  EXPECT_EQ(c.limits.max_constant_bytes, 200u);
  EXPECT_EQ(c.limits.max_tensor_byte_length, 50u);
  EXPECT_EQ(c.limits.max_graphs, 4u);
  EXPECT_EQ(c.limits.max_tensors, 5u);
  EXPECT_EQ(c.limits.max_contexts, 6u);
  EXPECT_EQ(c.limits.max_inflight_dispatches, 8u);
  EXPECT_EQ(c.limits.requests_per_second, 2.5);
  EXPECT_EQ(c.limits.request_burst, 9.0);
}

TEST(ServerConfig, MaxWorkersIsAStrictCount) {
  ServerConfig c;
  EXPECT_EQ(c.max_workers, 64u);
  ASSERT_TRUE(ParseServerConfig(R"({"maxWorkers": 3})", "test", c).ok());
  EXPECT_EQ(c.max_workers, 3u);
  ExpectError(ParseServerConfig(R"({"maxWorkers": 0})", "test", c), "maxWorkers");
  ExpectError(ParseServerConfig(R"({"maxWorkers": 1.5})", "test", c), "maxWorkers");
  ExpectError(ParseServerConfig(R"({"maxWorkers": 5000})", "test", c), "maxWorkers");
  EXPECT_EQ(c.max_workers, 3u);
}

TEST(ServerConfig, ParsesTheHostileClientLimits) {
  ServerConfig c;
  Status s = ParseServerConfig(R"({"maxPendingConnections": 10, "maxPendingPerAddress": 2,
      "authTimeoutMs": 1500, "maxUnauthenticatedMessageBytes": 4096, "idleTimeoutSeconds": 0,
      "maxMessageBytes": 16777216,
      "limits": {"maxGraphMemoryBytes": 12345, "maxGraphWork": 678}})",
                               "test", c);
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(c.max_pending_connections, 10u);
  EXPECT_EQ(c.max_pending_per_address, 2u);
  EXPECT_EQ(c.auth_timeout_ms, 1500u);
  EXPECT_EQ(c.max_unauthenticated_message_bytes, 4096u);
  EXPECT_EQ(c.max_message_bytes, uint64_t{16} << 20);
  EXPECT_EQ(c.idle_timeout_seconds, 0u);
  EXPECT_EQ(c.limits.GraphMemoryLimit(), 12345u);
  EXPECT_EQ(c.limits.max_graph_work, 678u);
  // Unset, the graph memory limit is the tensor and constant limits together.
  ServerConfig d;
  ASSERT_TRUE(
      ParseServerConfig(R"({"limits": {"maxTensorBytes": 100, "maxConstantBytes": 20}})", "t", d)
          .ok());
  EXPECT_EQ(d.limits.GraphMemoryLimit(), 120u);
  ServerConfig e;
  ExpectError(ParseServerConfig(R"({"authTimeoutMs": 0})", "t", e), "authTimeoutMs");
  ExpectError(ParseServerConfig(R"({"maxUnauthenticatedMessageBytes": 10})", "t", e),
              "maxUnauthenticatedMessageBytes");
  ExpectError(ParseServerConfig(R"({"maxMessageBytes": 4096})", "t", e), "maxMessageBytes");
  ExpectError(ParseServerConfig(R"({"maxMessageBytes": 2147483648})", "t", e), "maxMessageBytes");
  ExpectError(ParseServerConfig(R"({"limits": {"maxGraphWork": 0}})", "t", e), "maxGraphWork");
}

TEST(ServerConfig, KeysItDoesNotSetKeepTheirValues) {
  ServerConfig c;
  c.threads = 5;
  ASSERT_TRUE(ParseServerConfig(R"({"maxConnections": 3})", "test", c).ok());
  EXPECT_EQ(c.threads, 5u);
  EXPECT_EQ(c.max_connections, 3u);
}

TEST(ServerConfig, RejectsBadValuesNamingKeyAndValue) {
  struct Case {
    const char* json;
    const char* needle;
  };
  const Case cases[] = {
      {R"({"threads": -1})", "threads: -1 is out of range"},
      {R"({"threads": 1.5})", "threads: expected a whole number, got 1.5"},
      {R"({"threads": "4"})", "threads: expected a whole number, got \"4\""},
      {R"({"threads": 1025})", "threads: 1025 is out of range"},
      {R"({"allowedUids": ["abc"]})", "allowedUids: expected a whole number, got \"abc\""},
      {R"({"allowedUids": [4294967295]})", "allowedUids: 4294967295 is out of range"},
      {R"({"allowedUids": 5})", "allowedUids: expected a list"},
      {R"({"maxConnections": 0})", "maxConnections: 0 is out of range"},
      {R"({"intraOpThreads": true})", "intraOpThreads: expected a whole number, got true"},
      {R"({"limits": {"maxGraphs": 5000000000}})", "limits.maxGraphs: 5000000000 is out of range"},
      {R"({"limits": {"maxTensorBytes": -5}})", "limits.maxTensorBytes: -5 is out of range"},
      {R"({"limits": {"maxTensorBytes": 1e3}})", "limits.maxTensorBytes: expected a whole number"},
      {R"({"limits": {"requestsPerSecond": 0}})", "limits.requestsPerSecond: 0 is out of range"},
      {R"({"limits": {"requestBurst": "x"}})", "limits.requestBurst: expected a number"},
      {R"({"limits": {"maxGrafs": 1}})", "limits.maxGrafs: unknown limit"},
      {R"({"thread": 1})", "thread: unknown key"},
      {R"({"logLevel": "loud"})", "logLevel: expected error, warning, info or debug"},
      {R"({"backends": []})", "backends: expected a non-empty list"},
      {R"({"listen": ["udp:x"]})", "listen: "},
      {R"([1, 2])", "not an object"},
      {R"({"threads": )", "config test: invalid JSON at line 1, column 13"},
      {R"({"threads": 1, "threads": 2})", "config test: "},
  };
  for (const Case& c : cases) {
    ServerConfig config;
    SCOPED_TRACE(c.json);
    ExpectError(ParseServerConfig(c.json, "test", config), c.needle);
  }
}

TEST(ServerConfig, SyntaxErrorsAreInOurWords) {
  ServerConfig config;
  Status s = ParseServerConfig(R"({"limits": {maxTensors: 3}})", "test", config);
  ASSERT_FALSE(s.ok());
  const std::string text = s.error().ToString();
  EXPECT_NE(text.find("line 1, column"), std::string::npos) << text;
  EXPECT_EQ(text.find("json.exception"), std::string::npos) << text;
  EXPECT_EQ(text.find("last read"), std::string::npos) << text;
}

TEST(ServerConfig, MissingFileIsAnError) {
  ServerConfig c;
  ExpectError(LoadServerConfig("/nonexistent/webnnd.json", c), "cannot open it");
}

TEST(Auth, UidPolicy) {
  const std::vector<uint32_t> none, some{5, 7};
  EXPECT_TRUE(UidAllowed(1000, none, 1000));
  EXPECT_FALSE(UidAllowed(0, none, 1000));
  EXPECT_TRUE(UidAllowed(7, some, 1000));
  EXPECT_FALSE(UidAllowed(1000, some, 1000));
  EXPECT_TRUE(UnixSocketOwnerOnly(none, 1000));
  EXPECT_TRUE(UnixSocketOwnerOnly(std::vector<uint32_t>{1000}, 1000));
  EXPECT_FALSE(UnixSocketOwnerOnly(some, 1000));
}

TEST(Auth, TokenMatchesOnlyTheWholeToken) {
  EXPECT_TRUE(TokenMatches("secret", "secret"));
  EXPECT_FALSE(TokenMatches("secreT", "secret"));
  EXPECT_FALSE(TokenMatches("secret2", "secret"));
  EXPECT_FALSE(TokenMatches("secre", "secret"));
  EXPECT_FALSE(TokenMatches("", "secret"));
  EXPECT_FALSE(TokenMatches("", ""));  // no token configured: nothing matches
}

TEST(Logger, WritesLevelAndMessageAndFiltersByLevel) {
  std::ostringstream out;
  Logger log(LogLevel::kWarning, out);
  log.Info("not shown");
  log.Warning("client ", 3, ": slow");
  log.Debug("not shown either");
  const std::string text = out.str();
  EXPECT_EQ(text.find("not shown"), std::string::npos) << text;
  EXPECT_NE(text.find(" webnnd warning: client 3: slow\n"), std::string::npos) << text;
  EXPECT_EQ(ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_FALSE(ParseLogLevel("loud").has_value());
}

}  // namespace
}  // namespace webnn::service

namespace webnn::service {
namespace {

TEST(ServerConfig, DrainTimeoutAndMetricsEndpoint) {
  ServerConfig c;
  ASSERT_TRUE(ParseServerConfig(R"({"drainTimeoutSeconds": 5, "metrics": "tcp:127.0.0.1:9464"})",
                                "t.json", c)
                  .ok());
  EXPECT_EQ(c.drain_timeout_seconds, 5u);
  EXPECT_EQ(c.metrics, "tcp:127.0.0.1:9464");
  ExpectError(ParseServerConfig(R"({"metrics": "unix:/tmp/m.sock"})", "t.json", c),
              "metrics: expected tcp:HOST:PORT");
  ExpectError(ParseServerConfig(R"({"drainTimeoutSeconds": -1})", "t.json", c),
              "drainTimeoutSeconds");
  ExpectError(ParseServerConfig(R"({"drainTimeoutSeconds": 1e9})", "t.json", c),
              "drainTimeoutSeconds");
}

TEST(Logger, SetLevelChangesWhatIsWritten) {
  std::ostringstream out;
  Logger log(LogLevel::kInfo, out);
  log.Debug("hidden");
  log.SetLevel(LogLevel::kDebug);
  log.Debug("shown");
  EXPECT_EQ(out.str().find("hidden"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("debug: shown"), std::string::npos) << out.str();
}

TEST(Logger, TagNamesTheProcessInEveryLine) {
  std::ostringstream out;
  Logger log(LogLevel::kInfo, out);
  log.Info("from the broker");
  log.SetTag("worker 42 uid 1000");
  log.Warning("from a worker");
  EXPECT_NE(out.str().find(" webnnd info: from the broker\n"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find(" webnnd[worker 42 uid 1000] warning: from a worker\n"),
            std::string::npos)
      << out.str();
}

}  // namespace
}  // namespace webnn::service
