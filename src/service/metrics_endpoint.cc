#include "service/metrics_endpoint.h"

#include <string_view>

#include "service/listener.h"

namespace webnn::service {

namespace {

constexpr size_t kMaxRequestBytes = 8192;  // a request line and headers; no body is read

// The request as read so far.
struct Request {
  kj::Own<kj::AsyncIoStream> stream;
  std::string bytes;
};

std::string Response(std::string_view status, std::string_view type, const std::string& body) {
  return "HTTP/1.1 " + std::string(status) + "\r\nContent-Type: " + std::string(type) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
         body;
}

kj::Promise<void> ReadHead(Request& r) {
  if (r.bytes.find("\r\n\r\n") != std::string::npos || r.bytes.size() >= kMaxRequestBytes) {
    return kj::READY_NOW;
  }
  const size_t have = r.bytes.size();
  r.bytes.resize(kMaxRequestBytes);
  return r.stream->tryRead(r.bytes.data() + have, 1, kMaxRequestBytes - have)
      .then([&r, have](size_t n) -> kj::Promise<void> {
        r.bytes.resize(have + n);
        if (n == 0) return kj::READY_NOW;  // the peer closed its side
        return ReadHead(r);
      });
}

}  // namespace

void MetricsEndpoint::ErrorHandler::taskFailed(kj::Exception&& e) {
  log_.Debug("metrics endpoint: ", Describe(e));
}

Result<kj::Own<MetricsEndpoint>> MetricsEndpoint::Start(kj::AsyncIoContext& io,
                                                        const Endpoint& endpoint, Page page,
                                                        const Logger& log) {
  auto fd = ListenTcp(endpoint);
  if (!fd.ok()) return std::move(fd.error().Prefix("metrics " + endpoint.ToString()));
  auto receiver = io.lowLevelProvider->wrapListenSocketFd(
      fd.value(), kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
  return kj::heap<MetricsEndpoint>(io, kj::mv(receiver), std::move(page), log);
}

MetricsEndpoint::MetricsEndpoint(kj::AsyncIoContext& io, kj::Own<kj::ConnectionReceiver> receiver,
                                 Page page, const Logger& log)
    : io_(io),
      receiver_(kj::mv(receiver)),
      page_(std::move(page)),
      handler_(log),
      tasks_(handler_) {
  tasks_.add(AcceptLoop());
}

kj::Promise<void> MetricsEndpoint::AcceptLoop() {
  return receiver_->accept().then([this](kj::Own<kj::AsyncIoStream> stream) {
    tasks_.add(Serve(kj::mv(stream)));
    return AcceptLoop();
  });
}

kj::Promise<void> MetricsEndpoint::Serve(kj::Own<kj::AsyncIoStream> stream) {
  auto request = kj::heap<Request>();
  request->stream = kj::mv(stream);
  Request& r = *request;
  // A client that never finishes its request does not hold the connection for long.
  auto head = io_.provider->getTimer().timeoutAfter(5 * kj::SECONDS, ReadHead(r));
  return head
      .then([this, &r]() -> kj::Promise<void> {
        const std::string_view text = r.bytes;
        const std::string_view line = text.substr(0, text.find("\r\n"));
        kj::Promise<std::string> reply = nullptr;
        if (line.starts_with("GET /metrics ") || line == "GET /metrics") {
          reply = page_().then([](std::string page) {
            return Response("200 OK", "text/plain; version=0.0.4; charset=utf-8", page);
          });
        } else if (line.starts_with("GET ")) {
          reply = Response("404 Not Found", "text/plain", "only /metrics is served here\n");
        } else {
          reply = Response("405 Method Not Allowed", "text/plain", "only GET /metrics\n");
        }
        return reply.then([&r](std::string text) {
          auto bytes = kj::heapString(text.data(), text.size());
          auto write = r.stream->write(bytes.begin(), bytes.size());
          return write.attach(kj::mv(bytes)).then([&r] { r.stream->shutdownWrite(); });
        });
      })
      .attach(kj::mv(request));
}

}  // namespace webnn::service
