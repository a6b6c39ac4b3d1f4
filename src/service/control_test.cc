#include "service/control.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "service/broker.h"

namespace webnn::service {
namespace {

TEST(Control, RoundTripsKindFieldsAndADescriptor) {
  auto pair = ControlSocketPair();
  ASSERT_TRUE(pair.ok()) << pair.error().message();
  const auto [a, b] = pair.value();
  int pipes[2];
  ASSERT_EQ(pipe(pipes), 0);
  const std::string binary("with\0nul and\nnewline", 20);
  ASSERT_TRUE(SendControl(a, {"conn", {"uid 1000 pid 7 #1", "", binary}, pipes[1]}).ok());
  close(pipes[1]);
  bool closed = false;
  auto m = ReceiveControl(b, &closed);
  ASSERT_TRUE(m.ok()) << m.error().message();
  EXPECT_FALSE(closed);
  EXPECT_EQ(m->kind, "conn");
  ASSERT_EQ(m->fields.size(), 3u);
  EXPECT_EQ(m->field(0), "uid 1000 pid 7 #1");
  EXPECT_EQ(m->field(1), "");
  EXPECT_EQ(m->field(2), binary);
  EXPECT_EQ(m->field(3), "");  // past the end
  // The descriptor arrived: what is written to it comes out of the pipe.
  ASSERT_GE(m->fd, 0);
  ASSERT_EQ(write(m->fd, "x", 1), 1);
  char c = 0;
  ASSERT_EQ(read(pipes[0], &c, 1), 1);
  EXPECT_EQ(c, 'x');
  close(m->fd);
  close(pipes[0]);
  close(a);
  EXPECT_TRUE(ReceiveControl(b, &closed).ok());
  EXPECT_TRUE(closed);
  close(b);
}

TEST(Control, MalformedRecordsAreErrors) {
  auto ok = EncodeControl({"count", {"3"}});
  ASSERT_TRUE(ok.ok());
  auto whole = DecodeControl(ok.value());
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->fields, std::vector<std::string>{"3"});
  // Cut inside a length or a field, a record no longer decodes; cut between fields, it is a
  // shorter record, never the original.
  for (size_t n = 0; n < ok.value().size(); ++n) {
    auto cut = DecodeControl(std::string_view(ok.value()).substr(0, n));
    const bool boundary = n == 4 + 5;  // after the kind
    EXPECT_EQ(cut.ok(), boundary) << n;
    if (cut.ok()) {
      EXPECT_TRUE(cut->fields.empty()) << n;
    }
  }
  // A length past the end.
  std::string bad = ok.value();
  bad[bad.size() - 5] = '\x7f';
  EXPECT_FALSE(DecodeControl(bad).ok());
  // No kind.
  EXPECT_FALSE(DecodeControl(std::string(4, '\0')).ok());
  // Over the size limit: refused when encoding.
  EXPECT_FALSE(EncodeControl({"init", {std::string(kMaxControlMessageBytes, 'x')}}).ok());
}

TEST(Control, ExtraDescriptorsAreClosedAndTheRecordRefused) {
  auto pair = ControlSocketPair();
  ASSERT_TRUE(pair.ok());
  const auto [a, b] = pair.value();
  auto bytes = EncodeControl({"conn", {}});
  ASSERT_TRUE(bytes.ok());
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  iovec iov{bytes.value().data(), bytes.value().size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(2 * sizeof(int));
  std::memcpy(CMSG_DATA(c), fds, sizeof(fds));
  ASSERT_GT(sendmsg(a, &msg, 0), 0);
  close(fds[1]);
  bool closed = false;
  EXPECT_FALSE(ReceiveControl(b, &closed).ok());
  // Both received copies were closed: the pipe's write end is gone everywhere, so a read ends.
  char x;
  EXPECT_EQ(read(fds[0], &x, 1), 0);
  close(fds[0]);
  close(a);
  close(b);
}

TEST(MergeMetricsPages, EachFamilyOnceWithEverySample) {
  const std::string broker =
      "# HELP webnnd_refusals_total Refusals.\n# TYPE webnnd_refusals_total counter\n"
      "webnnd_refusals_total{principal=\"uid 5\",reason=\"uid not allowed\"} 1\n"
      "# HELP webnnd_draining Draining.\n# TYPE webnnd_draining gauge\nwebnnd_draining 0\n";
  const std::string worker =
      "# HELP webnnd_dispatches_total Dispatches.\n# TYPE webnnd_dispatches_total counter\n"
      "webnnd_dispatches_total{principal=\"uid 1\",outcome=\"ok\"} 5\n"
      "# HELP webnnd_refusals_total Refusals.\n# TYPE webnnd_refusals_total counter\n"
      "webnnd_refusals_total{principal=\"uid 1\",reason=\"tensor bytes\"} 2\n"
      "# HELP webnnd_draining Draining.\n# TYPE webnnd_draining gauge\nwebnnd_draining 1\n";
  const std::string merged = MergeMetricsPages({broker, worker, ""});
  auto count = [&](const std::string& s) {
    size_t n = 0;
    for (size_t at = merged.find(s); at != std::string::npos; at = merged.find(s, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("# TYPE webnnd_refusals_total"), 1u) << merged;
  EXPECT_EQ(count("reason=\"uid not allowed\"} 1"), 1u) << merged;
  EXPECT_EQ(count("reason=\"tensor bytes\"} 2"), 1u) << merged;
  EXPECT_EQ(count("outcome=\"ok\"} 5"), 1u) << merged;
  // A sample given twice keeps the first page's value (the broker's).
  EXPECT_EQ(count("\nwebnnd_draining "), 1u) << merged;
  EXPECT_NE(merged.find("webnnd_draining 0"), std::string::npos) << merged;
  // Samples follow their family's TYPE line.
  EXPECT_LT(merged.find("# TYPE webnnd_refusals_total"), merged.find("tensor bytes"));
  EXPECT_LT(merged.find("tensor bytes"), merged.find("# TYPE webnnd_draining"));
}

}  // namespace
}  // namespace webnn::service
