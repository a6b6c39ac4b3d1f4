#include "channel_fixture.h"

#include <cstring>
#include <set>

#include "format/json/graph_json.h"
#include "fuzz_util.h"
#include "ir/validate_graph.h"
#include "service/accounting.h"

namespace webnn::fuzz {

namespace {

// webnn-graph-json documents of the fixture's graphs.
constexpr const char* kGraphs[] = {
    R"({"format": "webnn-graph-json", "version": 1,
        "inputs": {"a": {"dataType": "float32", "shape": [2, 3]},
                   "b": {"dataType": "float32", "shape": [2, 3]}},
        "consts": {},
        "nodes": [{"id": "sum", "op": "add", "inputs": ["a", "b"]}],
        "outputs": {"out": "sum"}})",
    R"({"format": "webnn-graph-json", "version": 1,
        "inputs": {"data": {"dataType": "float32", "shape": [4, 3]},
                   "indices": {"dataType": "int32", "shape": [2]}},
        "consts": {},
        "nodes": [{"id": "g", "op": "gather", "inputs": ["data", "indices"]}],
        "outputs": {"out": "g"}})",
    R"({"format": "webnn-graph-json", "version": 1,
        "inputs": {"x": {"dataType": "float32", "shape": [2, 3]}},
        "consts": {"w": {"dataType": "float32", "shape": [3, 4],
                         "init": {"kind": "scalar", "value": 0.5}}},
        "nodes": [{"id": "mm", "op": "matmul", "inputs": ["x", "w"]},
                  {"id": "r", "op": "relu", "inputs": ["mm"]}],
        "outputs": {"y": "r", "mm_out": "mm"}})",
    R"({"format": "webnn-graph-json", "version": 1,
        "inputs": {"i": {"dataType": "int32", "shape": [2]}},
        "consts": {},
        "nodes": [{"id": "c", "op": "cast", "inputs": ["i"], "options": {"dataType": "float32"}}],
        "outputs": {"f": "c"}})",
};

struct TensorSpec {
  OperandDescriptor desc;
  bool readable, writable;
};

}  // namespace

ChannelFixture::ChannelFixture() : log_(service::LogLevel::kError, null_stream_) {}
ChannelFixture::~ChannelFixture() = default;

Result<std::unique_ptr<ChannelFixture>> ChannelFixture::Make() {
  std::unique_ptr<ChannelFixture> f(new ChannelFixture());
  auto account = std::make_shared<service::Account>();
  account->principal = "uid 0";
  f->client_ = std::make_shared<service::ClientState>(account, f->log_);
  f->client_->id = "channel fuzzer";
  f->client_->authenticated = true;
  f->client_->uid_allowed = true;
  f->client_->limits.requests_per_second = 1e12;
  f->client_->limits.request_burst = 1e12;
  f->client_->tokens = 1e12;
  service::Compute compute{std::make_shared<runtime::ThreadPool>(1),
                           std::make_shared<runtime::ComputeBudget>(1),
                           {"reference"},
                           /*max_threads=*/1};
  WEBNN_ASSIGN_OR_RETURN(auto executor, compute.MakeExecutor("reference", 1));
  ContextLimits limits;
  limits.max_tensor_byte_length = uint64_t{1} << 20;
  f->core_ = std::make_shared<service::ContextCore>(f->client_, executor, limits);
  service::ContextCore& core = *f->core_;

  // Graphs and tensors take ids from one counter, interleaved as a client's would.
  for (const char* text : kGraphs) {
    WEBNN_ASSIGN_OR_RETURN(GraphInfo graph, ParseGraphJson(text, nullptr, limits));
    WEBNN_RETURN_IF_ERROR(ValidateGraph(graph, limits));
    WEBNN_ASSIGN_OR_RETURN(runtime::GraphRef compiled, executor->Compile(std::move(graph)));
    const uint64_t id = core.next_id++;
    core.graphs.emplace(id, service::GraphEntry{std::move(compiled), 0, 0, nullptr});
    f->graph_ids_.push_back(id);

    // Tensors for this graph's inputs and outputs (one more of each for variety in pairs).
    const GraphSignature& io = core.graphs.at(id).graph->signature();
    std::vector<TensorSpec> specs;
    for (const auto& in : io.inputs) specs.push_back({in.desc, false, true});
    for (const auto& out : io.outputs) specs.push_back({out.desc, true, false});
    for (const TensorSpec& spec : specs) {
      WEBNN_ASSIGN_OR_RETURN(runtime::TensorRef t,
                             executor->CreateTensor(spec.desc, spec.readable, spec.writable));
      // Values the graph can compute on: for int32 tensors (gather's indices) some in range,
      // one negative and one beyond every axis, so the kernels' run-time bounds checks run.
      std::vector<std::byte> bytes = DeterministicInput(spec.desc);
      if (spec.desc.dataType == DataType::kInt32 && bytes.size() >= 8) {
        const int32_t values[2] = {static_cast<int32_t>(f->tensor_ids_.size() % 5) - 1, 3};
        std::memcpy(bytes.data(), values, sizeof(values));
      }
      const uint64_t tid = core.next_id++;
      core.tensors.emplace(tid, service::TensorEntry{t, spec.readable, spec.writable});
      f->tensor_ids_.push_back(tid);
      f->initial_.push_back(std::move(bytes));
    }
  }
  f->Reset();
  return f;
}

void ChannelFixture::Reset() {
  std::lock_guard lock(core_->mu);
  for (size_t i = 0; i < tensor_ids_.size(); ++i) {
    const runtime::TensorRef& t = core_->tensors.at(tensor_ids_[i]).tensor;
    std::memcpy(t->storage().data, initial_[i].data(), initial_[i].size());
    t->RecordWrite({});
  }
}

std::vector<ChannelFixture::Request> ChannelFixture::ValidRequests() const {
  std::vector<Request> requests;
  for (uint64_t g : graph_ids_) {
    const GraphSignature& io = core_->graphs.at(g).graph->signature();
    Request r{g, {}, {}};
    std::set<uint64_t> used;
    auto pick = [&](const OperandDescriptor& desc, bool output) -> uint64_t {
      for (uint64_t id : tensor_ids_) {
        const service::TensorEntry& e = core_->tensors.at(id);
        if (used.count(id) || e.tensor->desc() != desc || (output ? !e.readable : !e.writable)) {
          continue;
        }
        used.insert(id);
        return id;
      }
      return 0;
    };
    for (const auto& in : io.inputs) r.inputs.push_back(pick(in.desc, false));
    for (const auto& out : io.outputs) r.outputs.push_back(pick(out.desc, true));
    requests.push_back(std::move(r));
  }
  return requests;
}

}  // namespace webnn::fuzz
