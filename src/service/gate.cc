#include "service/gate.h"

#include <algorithm>

#include "service/common.h"

namespace webnn::service {

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
          [this](kj::Maybe<capnp::MessageReaderAndFds>&& m) {
            last_activity_ = clock_.now();
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
