#include "service/gate.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include "schema/webnn_service.capnp.h"

namespace webnn::service {
namespace {

// A message may be read a few times over (the RPC layer sizes a call's parameters, then the
// handler reads them), but not as often as the stream's 1 GiB limit would allow: a message of a
// few words whose pointers lead to the same data again and again would burn seconds of CPU.
TEST(Gate, LimitTraversalBoundsHowOftenAMessageIsRead) {
  capnp::MallocMessageBuilder builder;
  builder.initRoot<rpc::ServiceError>().setMessage("quota exceeded");
  const kj::Array<capnp::word> flat = capnp::messageToFlatArray(builder);
  capnp::ReaderOptions stream;
  stream.traversalLimitInWords = uint64_t{1} << 27;  // webnnd's (kMaxRpcMessageWords)
  kj::Own<capnp::MessageReader> reader =
      LimitTraversal(kj::heap<capnp::FlatArrayMessageReader>(flat, stream), stream);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(reader->getRoot<rpc::ServiceError>().getMessage(), "quota exceeded");
  }
  auto reread = [&] {
    for (uint64_t read = 0; read <= kMinTraversalWords; read += flat.size()) {
      (void)reader->getRoot<capnp::AnyPointer>().targetSize();
    }
  };
  EXPECT_THROW(reread(), kj::Exception);
}

}  // namespace
}  // namespace webnn::service
