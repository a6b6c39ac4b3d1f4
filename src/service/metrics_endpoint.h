// The metrics endpoint: a minimal HTTP/1.1 server on the service's event loop that answers
// GET /metrics with the Prometheus text page (metrics.h) and closes the connection. Off by
// default (--metrics tcp:HOST:PORT); it serves no other path and reads no request body.
#pragma once

#include <functional>
#include <string>

#include <kj/async-io.h>

#include "service/common.h"
#include "service/log.h"
#include "webnn/error.h"

namespace webnn::service {

class MetricsEndpoint {
 public:
  // Renders the page, on the event loop (a broker asks its workers for theirs first).
  using Page = std::function<kj::Promise<std::string>()>;

  // Binds `endpoint` (TCP) and starts answering on `io`'s event loop.
  static Result<kj::Own<MetricsEndpoint>> Start(kj::AsyncIoContext& io, const Endpoint& endpoint,
                                                Page page, const Logger& log);
  MetricsEndpoint(kj::AsyncIoContext& io, kj::Own<kj::ConnectionReceiver> receiver, Page page,
                  const Logger& log);

 private:
  class ErrorHandler final : public kj::TaskSet::ErrorHandler {
   public:
    explicit ErrorHandler(const Logger& log) : log_(log) {}
    void taskFailed(kj::Exception&& e) override;

   private:
    const Logger& log_;
  };
  kj::Promise<void> AcceptLoop();
  kj::Promise<void> Serve(kj::Own<kj::AsyncIoStream> stream);

  kj::AsyncIoContext& io_;
  kj::Own<kj::ConnectionReceiver> receiver_;
  Page page_;
  ErrorHandler handler_;
  kj::TaskSet tasks_;  // the accept loop and the open requests
};

}  // namespace webnn::service
