#include "service/gate.h"

#include <algorithm>

#include <kj/vector.h>

#include "service/common.h"

namespace webnn::service {

kj::Own<capnp::MessageReader> LimitTraversal(kj::Own<capnp::MessageReader> reader,
                                             capnp::ReaderOptions options) {
  kj::Vector<kj::ArrayPtr<const capnp::word>> segments;
  uint64_t words = 0;
  for (capnp::uint i = 0;; ++i) {
    kj::ArrayPtr<const capnp::word> segment = reader->getSegment(i);
    if (segment == nullptr) break;
    segments.add(segment);
    words += segment.size();
  }
  options.traversalLimitInWords = std::min(options.traversalLimitInWords,
                                           std::max(words * kTraversalPerWord, kMinTraversalWords));
  auto array = segments.releaseAsArray();
  auto limited = kj::heap<capnp::SegmentArrayMessageReader>(array, options);
  return limited.attach(kj::mv(array), kj::mv(reader));
}

kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> GatedMessageStream::tryReadMessage(
    kj::ArrayPtr<kj::AutoCloseFd> fd_space, capnp::ReaderOptions options,
    kj::ArrayPtr<capnp::word> scratch) {
  const bool gated = !client_->authenticated;
  if (gated) {
    // The reader checks the size the segment table announces against this before allocating.
    options.traversalLimitInWords =
        std::min<uint64_t>(options.traversalLimitInWords, unauthenticated_words_);
  }
  return inner_->tryReadMessage(fd_space, options, scratch)
      .then(
          [this, options](kj::Maybe<capnp::MessageReaderAndFds>&& m) {
            last_activity_ = clock_.now();
            KJ_IF_MAYBE (read, m) {
              read->reader = LimitTraversal(kj::mv(read->reader), options);
            }
            return kj::mv(m);
          },
          [this, gated](kj::Exception&& e) -> kj::Maybe<capnp::MessageReaderAndFds> {
            if (gated) {
              client_->log.Warning(client_->id, ": dropped before authentication (limit ",
                                   unauthenticated_words_ * sizeof(capnp::word),
                                   " bytes a message): ", Describe(e));
            }
            kj::throwFatalException(kj::mv(e));
          });
}

}  // namespace webnn::service
