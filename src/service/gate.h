// The message stream of one connection, gated by what the peer has proven: until it has
// authenticated (the connect call), a message may be at most a small size, so a peer without a
// token cannot make the service allocate the 1 GiB a message may otherwise announce. It also
// records when the peer last sent anything (for the idle timeout).
#pragma once

#include <capnp/serialize-async.h>
#include <kj/async.h>

#include <cstdint>
#include <memory>

#include "service/accounting.h"

namespace webnn::service {

// How far reading one message may follow its pointers: kTraversalPerWord times its size, at
// least kMinTraversalWords, never more than the stream's limit. Cap'n Proto charges a read each
// time a pointer is followed, so a message whose pointers all lead to the same data can make its
// reader (the RPC layer sizing a call's parameters, a handler) traverse up to the limit: with
// the stream's 1 GiB (inline tensors) a few hundred bytes took seconds of the service's CPU.
inline constexpr uint64_t kTraversalPerWord = 8;
inline constexpr uint64_t kMinTraversalWords = uint64_t{64} << 10;  // 512 KiB

// The same message, read under that limit (it keeps `reader`, which owns the segments).
kj::Own<capnp::MessageReader> LimitTraversal(kj::Own<capnp::MessageReader> reader,
                                             capnp::ReaderOptions options);

class GatedMessageStream final : public capnp::MessageStream {
 public:
  // `unauthenticated_words`: the largest message before `client->authenticated` is set.
  GatedMessageStream(kj::Own<capnp::MessageStream> inner, std::shared_ptr<ClientState> client,
                     const kj::MonotonicClock& clock, uint64_t unauthenticated_words)
      : inner_(kj::mv(inner)),
        client_(std::move(client)),
        clock_(clock),
        unauthenticated_words_(unauthenticated_words) {}

  kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> tryReadMessage(
      kj::ArrayPtr<kj::AutoCloseFd> fd_space, capnp::ReaderOptions options,
      kj::ArrayPtr<capnp::word> scratch) override;
  kj::Promise<void> writeMessage(
      kj::ArrayPtr<const int> fds,
      kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments) override {
    return inner_->writeMessage(fds, segments);
  }
  kj::Promise<void> writeMessages(
      kj::ArrayPtr<kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>>> messages) override {
    return inner_->writeMessages(messages);
  }
  kj::Maybe<int> getSendBufferSize() override { return inner_->getSendBufferSize(); }
  kj::Promise<void> end() override { return inner_->end(); }

  // When the last message arrived (or the stream was made).
  kj::TimePoint last_activity() const { return last_activity_; }

 private:
  kj::Own<capnp::MessageStream> inner_;
  std::shared_ptr<ClientState> client_;
  const kj::MonotonicClock& clock_;
  uint64_t unauthenticated_words_;
  kj::TimePoint last_activity_ = clock_.now();
};

}  // namespace webnn::service
