// The context the dispatch-channel fuzzer serves requests in: a service context (ContextCore)
// on the reference backend with a few small graphs and tensors of several descriptors, made once.
// Each input's request names them by id, as a client does through the shared channel.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "service/log.h"
#include "service/session.h"
#include "webnn/error.h"

namespace webnn::fuzz {

class ChannelFixture {
 public:
  // The graphs (adds, a gather whose indices come from a tensor, a matmul with a constant and
  // relu, a cast) and the tensors; fails only if the fixture itself is broken.
  static Result<std::unique_ptr<ChannelFixture>> Make();
  ~ChannelFixture();

  service::ContextCore& core() { return *core_; }
  const service::ClientState& client() const { return *client_; }
  const std::vector<uint64_t>& graph_ids() const { return graph_ids_; }
  const std::vector<uint64_t>& tensor_ids() const { return tensor_ids_; }

  // Gives every tensor its initial contents again (and clears a failed dispatch's mark), so an
  // input's outcome does not depend on the inputs before it.
  void Reset();

  // For each graph, a request that succeeds: the ids of tensors matching its inputs then its
  // outputs (the seeds of the corpus).
  struct Request {
    uint64_t graph;
    std::vector<uint64_t> inputs, outputs;
  };
  std::vector<Request> ValidRequests() const;

 private:
  ChannelFixture();
  std::ostream null_stream_{nullptr};
  service::Logger log_;
  std::shared_ptr<service::ClientState> client_;
  std::shared_ptr<service::ContextCore> core_;
  std::vector<uint64_t> graph_ids_;
  std::vector<uint64_t> tensor_ids_;
  std::vector<std::vector<std::byte>> initial_;  // per tensor_ids_ entry
};

}  // namespace webnn::fuzz
