// The Cap'n Proto servers of the service protocol (webnn.capnp): Service (the bootstrap, which
// authenticates), ContextProvider, Context, Graph and Tensor. Each call is admitted by the
// client's rate limit and charged to its account before it touches the session.
#pragma once

#include <memory>
#include <string>

#include "format/capnp/codec.h"
#include "service/accounting.h"
#include "service/session.h"
#include "webnn/version.h"

namespace webnn::service {

inline constexpr const char* kServerVersion = "webnnd " WEBNN_VERSION_STRING " (protocol 1)";

// What every connection's servers share.
struct ServiceShared {
  std::shared_ptr<const Compute> compute;
  std::string token;  // what TCP clients must present; empty: TCP is refused
  std::shared_ptr<Registry> registry = std::make_shared<Registry>();
  // Where contexts end (session.h): off the event loop.
  std::shared_ptr<Reaper> reaper = std::make_shared<Reaper>();
  // What ping reports about the process serving the client (Server::SetIsolation).
  std::string isolation = "single process";
};

// The bootstrap capability of one connection of `client`.
rpc::Service::Client MakeServiceCapability(std::shared_ptr<ClientState> client,
                                           const ServiceShared& shared);

}  // namespace webnn::service
