// webnnd under a service manager: the listening sockets systemd passes (socket activation,
// $LISTEN_FDS, read with libsystemd when the build has it) and the readiness protocol of
// Type=notify ($NOTIFY_SOCKET, spoken directly). Both are no-ops when the variables are unset.
#pragma once

#include <string>
#include <vector>

#include "webnn/error.h"

namespace webnn::service {

// The sockets passed by socket activation, made non-blocking and close-on-exec; empty when
// the process was not socket-activated. Unsets $LISTEN_FDS so children do not inherit them.
Result<std::vector<int>> ActivatedSockets();

// The readiness channel to the service manager ($NOTIFY_SOCKET, a Unix datagram socket).
// Connected when made, at start-up: the sandbox applied afterwards refuses to create or connect
// sockets, so every later state goes through this one descriptor.
class ServiceManagerNotifier {
 public:
  // Connects when $NOTIFY_SOCKET is set (a path, or "@name" in the abstract namespace);
  // otherwise (or when connecting fails) Notify does nothing.
  ServiceManagerNotifier();
  ~ServiceManagerNotifier();
  ServiceManagerNotifier(const ServiceManagerNotifier&) = delete;
  ServiceManagerNotifier& operator=(const ServiceManagerNotifier&) = delete;

  // Sends a state ("READY=1", "STOPPING=1", "RELOADING=1", "STATUS=...") to the service
  // manager; returns false when there is none to tell.
  bool Notify(const std::string& state) const;
  bool connected() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace webnn::service
