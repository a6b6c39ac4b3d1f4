#include "service/control.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace webnn::service {

namespace {

// At most this many fields per record: every message kind has a handful.
constexpr size_t kMaxFields = 64;

void PutLength(std::string& out, size_t n) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
}

Error Sys(std::string_view what) {
  return MakeError(ErrorCode::kUnknownError, "control channel: ", what, ": ", std::strerror(errno));
}

}  // namespace

Result<std::string> EncodeControl(const ControlMessage& message) {
  std::string out;
  size_t total = 4 + message.kind.size();
  for (const std::string& f : message.fields) total += 4 + f.size();
  if (total > kMaxControlMessageBytes || message.fields.size() > kMaxFields) {
    return MakeError(ErrorCode::kNotSupportedError, "control message '", message.kind, "' of ",
                     total, " bytes and ", message.fields.size(), " fields is over the limit of ",
                     kMaxControlMessageBytes, " bytes and ", kMaxFields, " fields");
  }
  out.reserve(total);
  PutLength(out, message.kind.size());
  out += message.kind;
  for (const std::string& f : message.fields) {
    PutLength(out, f.size());
    out += f;
  }
  return out;
}

Result<ControlMessage> DecodeControl(std::string_view bytes) {
  std::vector<std::string> parts;
  size_t at = 0;
  while (at < bytes.size()) {
    if (bytes.size() - at < 4) {
      return MakeError(ErrorCode::kDataError, "control message: a length cut short at byte ", at);
    }
    size_t n = 0;
    for (int i = 0; i < 4; ++i) n |= size_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
    at += 4;
    if (n > bytes.size() - at) {
      return MakeError(ErrorCode::kDataError, "control message: a field of ", n, " bytes at byte ",
                       at, " runs past the end (", bytes.size(), " bytes)");
    }
    if (parts.size() > kMaxFields) {
      return MakeError(ErrorCode::kDataError, "control message: more than ", kMaxFields, " fields");
    }
    parts.emplace_back(bytes.substr(at, n));
    at += n;
  }
  if (parts.empty() || parts[0].empty()) {
    return MakeError(ErrorCode::kDataError, "control message: no kind");
  }
  ControlMessage m;
  m.kind = std::move(parts[0]);
  m.fields.assign(std::make_move_iterator(parts.begin() + 1), std::make_move_iterator(parts.end()));
  return m;
}

Status SendControl(int socket, const ControlMessage& message, bool* would_block) {
  if (would_block) *would_block = false;
  WEBNN_ASSIGN_OR_RETURN(std::string bytes, EncodeControl(message));
  iovec iov{bytes.data(), bytes.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (message.fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &message.fd, sizeof(int));
  }
  for (;;) {
    const ssize_t n = sendmsg(socket, &msg, MSG_NOSIGNAL);
    if (n >= 0) return {};
    if (errno == EINTR) continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && would_block) {
      *would_block = true;
      return {};
    }
    return Sys("sendmsg");
  }
}

Result<ControlMessage> ReceiveControl(int socket, bool* closed, bool* would_block) {
  *closed = false;
  if (would_block) *would_block = false;
  std::string buffer(kMaxControlMessageBytes, '\0');
  iovec iov{buffer.data(), buffer.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  // Room for more descriptors than a record carries: extra ones are closed, not leaked.
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 8)] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n;
  for (;;) {
    n = recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
    if (n >= 0) break;
    if (errno == EINTR) continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && would_block) {
      *would_block = true;
      return ControlMessage{};
    }
    if (errno == ECONNRESET) {
      *closed = true;
      return ControlMessage{};
    }
    return Sys("recvmsg");
  }
  std::vector<int> fds;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      fds.push_back(fd);
    }
  }
  auto close_all = [&fds] {
    for (int fd : fds) close(fd);
  };
  if (n == 0 && fds.empty()) {
    *closed = true;
    return ControlMessage{};
  }
  if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
    close_all();
    return MakeError(ErrorCode::kDataError, "control message: truncated (over ",
                     kMaxControlMessageBytes, " bytes or too many descriptors)");
  }
  if (fds.size() > 1) {
    close_all();
    return MakeError(ErrorCode::kDataError, "control message: ", fds.size(),
                     " descriptors, at most 1 expected");
  }
  auto m = DecodeControl(std::string_view(buffer.data(), static_cast<size_t>(n)));
  if (!m.ok()) {
    close_all();
    return std::move(m.error());
  }
  if (!fds.empty()) m.value().fd = fds[0];
  return m;
}

Result<std::pair<int, int>> ControlSocketPair() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return Sys("socketpair");
  return std::pair<int, int>{sv[0], sv[1]};
}

}  // namespace webnn::service
