// The listening sockets of a webnnd process (the broker, or the single process with
// --single-process): binding the endpoints or adopting systemd's, accepting on the event loop,
// and closing them again.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <kj/async-io.h>
#include <kj/async-unix.h>

#include "service/common.h"
#include "service/log.h"
#include "webnn/error.h"

namespace webnn::service {

class Acceptor {
 public:
  // Called for every accepted connection (close-on-exec, blocking); takes ownership of `fd`.
  using OnAccept = std::function<void(int fd, bool unix_peer)>;

  Acceptor(kj::AsyncIoContext& io, const Logger& log);
  ~Acceptor();  // Close(/*remove_files=*/false)
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

  // Binds an endpoint. A Unix socket is opened to other users unless only `own_uid` is allowed
  // (the uid check, SO_PEERCRED, decides the rest).
  Status Listen(const Endpoint& endpoint, std::span<const uint32_t> allowed_uids, uint32_t own_uid);
  // Takes a listening socket bound by someone else (systemd's socket activation); returns the
  // endpoint it is bound to. Its socket file, if any, is never removed.
  Result<Endpoint> Adopt(int fd);
  // Starts accepting on every bound endpoint.
  void Start(OnAccept on_accept);
  // Stops accepting and closes the sockets; removes the socket files Listen made when
  // `remove_files` (a sandboxed process may not touch the file system: its files stay, and the
  // next webnnd on the same path replaces them).
  void Close(bool remove_files);

 private:
  struct Listener {
    Endpoint endpoint;
    int fd = -1;
    kj::Own<kj::UnixEventPort::FdObserver> observer;
  };
  kj::Promise<void> AcceptLoop(Listener& l);
  void Add(const Endpoint& endpoint, int fd);

  class ErrorHandler final : public kj::TaskSet::ErrorHandler {
   public:
    explicit ErrorHandler(const Logger& log) : log_(log) {}
    void taskFailed(kj::Exception&& e) override;

   private:
    const Logger& log_;
  };

  kj::AsyncIoContext& io_;
  const Logger& log_;
  OnAccept on_accept_;
  ErrorHandler handler_;
  kj::Own<kj::TaskSet> tasks_;  // the accept loops
  std::vector<kj::Own<Listener>> listeners_;
  std::vector<std::string> unix_paths_;  // files Listen made
};

}  // namespace webnn::service
