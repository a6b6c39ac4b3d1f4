// webnnd under a service manager: the listening sockets systemd passes (socket activation,
// $LISTEN_FDS) and the readiness protocol of Type=notify ($NOTIFY_SOCKET). Both are no-ops
// when the variables are unset or the build has no libsystemd.
#pragma once

#include <string>
#include <vector>

#include "webnn/error.h"

namespace webnn::service {

// The sockets passed by socket activation, made non-blocking and close-on-exec; empty when
// the process was not socket-activated. Unsets $LISTEN_FDS so children do not inherit them.
Result<std::vector<int>> ActivatedSockets();

// Sends a state ("READY=1", "STOPPING=1", "RELOADING=1", "STATUS=...") to the service
// manager; returns false when there is none to tell.
bool NotifyServiceManager(const std::string& state);

}  // namespace webnn::service
