// Serialization benchmark: the graph IR (GraphInfo) as webnn-graph-json (constants inline, or in
// a WGWT sidecar as SaveGraphJson writes them), as protobuf (bench/webnn_bench.proto, a peer
// measured in the same run) and as Cap'n Proto (our codec, schema/webnn.capnp).
//
// Benchmarks are named GRAPH/FORMAT/STEP:
//   GRAPH   synthetic (100 operations, 1 MiB of constants) or mobilenetv2 (real weights)
//   FORMAT  json_inline, json_sidecar, protobuf, capnp
//   STEP    serialize         GraphInfo -> bytes
//           deserialize       bytes -> GraphInfo, without the whole-graph validation where the
//                             format allows it (the JSON loader always builds through the
//                             builder, so its "deserialize" already validates every operation)
//           deserialize_validate   bytes -> a GraphInfo that passed ValidateGraph, the check the
//                             service runs on untrusted graphs (for capnp: DecodeGraph, which
//                             copies the message once; for JSON: ParseGraphJson + ValidateGraph,
//                             as LoadGraphFile does)
//           deserialize_validate_shared   capnp only: DecodeGraphShared, zero-copy
//           parse_dom         JSON only: nlohmann::json::parse of the text, a lower bound
//           parse_only        protobuf only: ParseFromArray into an arena message, no GraphInfo
//           traverse_only     capnp only: every field read through the generated accessors, no
//                             GraphInfo (the floor under any decoder of this schema)
// plus GRAPH/validate_only (ValidateGraph alone). Counter `bytes`: the encoded size (for
// json_sidecar the document + manifest + weights blob).
//
// Every decoder is checked once per graph before it is timed: the decoded graph must equal the
// original (protobuf, capnp: GraphInfo ==; JSON: the same document when written again). A
// mismatch exits with status 1, so the `bench_smoke` test catches a broken codec.
#include <benchmark/benchmark.h>
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <google/protobuf/arena.h>
#include <google/protobuf/stubs/common.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench_graphs.h"
#include "format/capnp/codec.h"
#include "format/capnp/wire_codec.h"
#include "format/json/graph_json.h"
#include "format/json/weights.h"
#include "ir/validate_graph.h"
#include "proto_convert.h"

namespace webnn::bench {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "serialization_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what + ": " + r.error().ToString());
  return std::move(r).value();
}

void Must(const Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.error().ToString());
}

fs::path ModelsDir() {
  if (const char* dir = std::getenv("WEBNN_MODELS_DIR")) return dir;
  return fs::path(WEBNN_SOURCE_DIR) / "models";
}

// A graph and its encodings, made once.
struct Subject {
  GraphInfo graph;
  // Made and checked on first use (json_inline()): writing and parsing a few MB of JSON numbers
  // is slow, under the sanitizers most of all, and only the json_inline benchmarks need it.
  mutable std::optional<std::string> json_inline_text;
  JsonFiles json_sidecar;
  ByteBuffer sidecar_blob;  // the WGWT blob as a loader sees it (a buffer, e.g. a mapping)
  std::string proto;
  std::shared_ptr<capnp::word[]> capnp_words;  // 8-byte aligned, as a received message is
  size_t capnp_size = 0;

  std::span<const std::byte> capnp_bytes() const {
    return {reinterpret_cast<const std::byte*>(capnp_words.get()), capnp_size};
  }
  const std::string& json_inline() const;
  size_t json_sidecar_size() const {
    return json_sidecar.graph.size() + json_sidecar.weights.manifest.size() +
           json_sidecar.weights.blob.size();
  }
};

Result<GraphInfo> DecodeJsonSidecar(const Subject& s) {
  WEBNN_ASSIGN_OR_RETURN(
      std::unique_ptr<WeightSource> weights,
      WgwtWeightsFromBuffer(s.sidecar_blob, s.json_sidecar.weights.manifest, "bench.weights"));
  return ParseGraphJson(s.json_sidecar.graph, weights.get());
}

// Cap'n Proto decoding without ValidateGraph (zero-copy, as DecodeGraphShared reads).
Result<GraphInfo> DecodeCapnpUnvalidated(const Subject& s) {
  DecodeOptions options;
  capnp::ReaderOptions reader_options = options.reader;
  reader_options.traversalLimitInWords = TraversalLimitWords(s.capnp_size);
  try {
    capnp::FlatArrayMessageReader reader(
        kj::arrayPtr(s.capnp_words.get(), s.capnp_size / sizeof(capnp::word)), reader_options);
    const auto file = reader.getRoot<wire::File>();
    if (file.getMagic() != wire::FILE_MAGIC ||
        file.getFormatVersion() != wire::CURRENT_FORMAT_VERSION) {
      return MakeError(ErrorCode::kDataError, "not a WebNN graph message");
    }
    return DecodeGraphFromUnvalidated(file.getGraph(), s.capnp_words, options);
  } catch (const kj::Exception& e) {
    return MakeError(ErrorCode::kDataError, e.getDescription().cStr());
  }
}

// Reads every field of the message through the generated accessors without building a
// GraphInfo: what Cap'n Proto itself costs, the floor under any decoder of this schema.
Result<uint64_t> TraverseCapnp(const Subject& s) {
  capnp::ReaderOptions reader_options = DecodeOptions{}.reader;
  reader_options.traversalLimitInWords = TraversalLimitWords(s.capnp_size);
  try {
    capnp::FlatArrayMessageReader reader(
        kj::arrayPtr(s.capnp_words.get(), s.capnp_size / sizeof(capnp::word)), reader_options);
    const auto g = reader.getRoot<wire::File>().getGraph();
    uint64_t sum = g.getName().size();
    for (const auto o : g.getOperands()) {
      sum += static_cast<uint64_t>(o.getKind()) + o.getName().size();
      const auto d = o.getDescriptor();
      sum += static_cast<uint64_t>(d.getDataType());
      for (uint32_t dim : d.getShape()) sum += dim;
    }
    for (uint32_t id : g.getInputs()) sum += id;
    for (const auto o : g.getOutputs()) sum += o.getName().size() + o.getOperand();
    for (const auto op : g.getOperations()) {
      sum += static_cast<uint64_t>(op.getKind()) + op.getLabel().size();
      for (uint32_t id : op.getInputs()) sum += id;
      for (uint32_t id : op.getOutputs()) sum += id;
      sum += static_cast<uint64_t>(op.getAttrs().which());
    }
    for (const auto c : g.getConstants()) sum += c.getOperand() + c.getData().getBytes().size();
    return sum;
  } catch (const kj::Exception& e) {
    return MakeError(ErrorCode::kDataError, e.getDescription().cStr());
  }
}

void CheckSameDocument(const GraphInfo& decoded, const std::string& want, const std::string& what) {
  const std::string got = Must(GraphToJsonText(decoded), what + ": writing the decoded graph");
  if (got != want) Die(what + ": the decoded graph differs from the original");
}

void CheckSameGraph(const GraphInfo& decoded, const GraphInfo& want, const std::string& what) {
  if (!(decoded == want)) Die(what + ": the decoded graph differs from the original");
  Must(ValidateGraph(decoded, ContextLimits{}), what);
}

const std::string& Subject::json_inline() const {
  if (!json_inline_text) {
    std::string text = Must(GraphToJsonText(graph), "json");
    CheckSameDocument(Must(ParseGraphJson(text, nullptr), "json decode"), text, "json_inline");
    json_inline_text = std::move(text);
  }
  return *json_inline_text;
}

std::unique_ptr<Subject> MakeSubject(GraphInfo graph, const std::string& name) {
  auto s = std::make_unique<Subject>();
  s->graph = std::move(graph);
  s->json_sidecar = Must(GraphToJsonFiles(s->graph), name + ": json sidecar");
  s->sidecar_blob = ByteBuffer::Copy(std::as_bytes(
      std::span(s->json_sidecar.weights.blob.data(), s->json_sidecar.weights.blob.size())));
  Must(EncodeGraphProto(s->graph, s->proto), name + ": protobuf");
  const std::vector<std::byte> message = Must(EncodeGraph(s->graph), name + ": capnp");
  s->capnp_size = message.size();
  s->capnp_words.reset(new capnp::word[message.size() / sizeof(capnp::word)]);
  std::memcpy(s->capnp_words.get(), message.data(), message.size());

  // Every decoder gives back the graph (json_inline: on first use).
  const std::string json_of_graph = Must(GraphToJsonText(s->graph), name + ": json");
  CheckSameDocument(Must(DecodeJsonSidecar(*s), name + ": json sidecar decode"), json_of_graph,
                    name + " json_sidecar");
  const std::span<const std::byte> proto_bytes =
      std::as_bytes(std::span(s->proto.data(), s->proto.size()));
  CheckSameGraph(Must(DecodeGraphProto(proto_bytes, ContextLimits{}), name + ": protobuf decode"),
                 s->graph, name + " protobuf");
  CheckSameGraph(Must(DecodeGraph(s->capnp_bytes()), name + ": capnp decode"), s->graph,
                 name + " capnp");
  CheckSameGraph(Must(DecodeGraphShared(s->capnp_words, s->capnp_bytes()), name + ": capnp shared"),
                 s->graph, name + " capnp shared");
  CheckSameGraph(Must(DecodeCapnpUnvalidated(*s), name + ": capnp unvalidated"), s->graph,
                 name + " capnp unvalidated");
  return s;
}

// The subjects, made on first use (a filter that skips mobilenetv2 never loads it).
const Subject& GetSubject(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Subject>> subjects;
  auto it = subjects.find(name);
  if (it != subjects.end()) return *it->second;
  GraphInfo graph = name == "synthetic" ? SyntheticGraph()
                                        : Must(MobileNetV2(ModelsDir()), "loading MobileNetV2");
  return *(subjects[name] = MakeSubject(std::move(graph), name));
}

using Body = std::function<void(benchmark::State&, const Subject&)>;

void Register(const std::string& graph, const std::string& name, Body body) {
  benchmark::RegisterBenchmark((graph + "/" + name).c_str(), [graph,
                                                              body](benchmark::State& state) {
    const Subject& s = GetSubject(graph);
    body(state, s);
  })->Unit(benchmark::kMicrosecond);
}

template <typename T>
void Consume(Result<T>& r, benchmark::State& state) {
  if (!r.ok()) {
    state.SkipWithError(r.error().ToString().c_str());
    return;
  }
  benchmark::DoNotOptimize(*r);
}

void RegisterAll(const std::string& g) {
  const ContextLimits limits;

  // ---- webnn-graph-json, every constant inline ----
  Register(g, "json_inline/serialize", [](benchmark::State& state, const Subject& s) {
    const size_t size = s.json_inline().size();
    for (auto _ : state) {
      auto text = GraphToJsonText(s.graph);
      Consume(text, state);
    }
    state.counters["bytes"] = static_cast<double>(size);
  });
  Register(g, "json_inline/parse_dom", [](benchmark::State& state, const Subject& s) {
    const std::string& text = s.json_inline();
    for (auto _ : state) {
      nlohmann::ordered_json doc = nlohmann::ordered_json::parse(text);
      benchmark::DoNotOptimize(doc);
    }
    state.counters["bytes"] = static_cast<double>(text.size());
  });
  Register(g, "json_inline/deserialize", [limits](benchmark::State& state, const Subject& s) {
    const std::string& text = s.json_inline();
    for (auto _ : state) {
      auto graph = ParseGraphJson(text, nullptr, limits);
      Consume(graph, state);
    }
    state.counters["bytes"] = static_cast<double>(text.size());
  });
  Register(g, "json_inline/deserialize_validate",
           [limits](benchmark::State& state, const Subject& s) {
             const std::string& text = s.json_inline();
             for (auto _ : state) {
               auto graph = ParseGraphJson(text, nullptr, limits);
               if (graph.ok() && !ValidateGraph(*graph, limits).ok())
                 state.SkipWithError("invalid");
               Consume(graph, state);
             }
             state.counters["bytes"] = static_cast<double>(text.size());
           });

  // ---- webnn-graph-json, constants over 1 KiB in a WGWT sidecar (SaveGraphJson's layout) ----
  Register(g, "json_sidecar/serialize", [](benchmark::State& state, const Subject& s) {
    for (auto _ : state) {
      auto files = GraphToJsonFiles(s.graph);
      Consume(files, state);
    }
    state.counters["bytes"] = static_cast<double>(s.json_sidecar_size());
  });
  Register(g, "json_sidecar/deserialize", [](benchmark::State& state, const Subject& s) {
    for (auto _ : state) {
      auto graph = DecodeJsonSidecar(s);
      Consume(graph, state);
    }
    state.counters["bytes"] = static_cast<double>(s.json_sidecar_size());
  });
  Register(g, "json_sidecar/deserialize_validate",
           [limits](benchmark::State& state, const Subject& s) {
             for (auto _ : state) {
               auto graph = DecodeJsonSidecar(s);
               if (graph.ok() && !ValidateGraph(*graph, limits).ok())
                 state.SkipWithError("invalid");
               Consume(graph, state);
             }
             state.counters["bytes"] = static_cast<double>(s.json_sidecar_size());
           });

  // ---- protobuf ----
  Register(g, "protobuf/serialize", [](benchmark::State& state, const Subject& s) {
    std::string bytes;
    for (auto _ : state) {
      Status st = EncodeGraphProto(s.graph, bytes);
      if (!st.ok()) state.SkipWithError(st.error().ToString().c_str());
      benchmark::DoNotOptimize(bytes.data());
    }
    state.counters["bytes"] = static_cast<double>(s.proto.size());
  });
  Register(g, "protobuf/parse_only", [](benchmark::State& state, const Subject& s) {
    for (auto _ : state) {
      google::protobuf::Arena arena;
      auto* file = google::protobuf::Arena::CreateMessage<benchpb::File>(&arena);
      if (!file->ParseFromArray(s.proto.data(), static_cast<int>(s.proto.size()))) {
        state.SkipWithError("parse failed");
      }
      benchmark::DoNotOptimize(file);
    }
    state.counters["bytes"] = static_cast<double>(s.proto.size());
  });
  Register(g, "protobuf/deserialize", [limits](benchmark::State& state, const Subject& s) {
    const auto bytes = std::as_bytes(std::span(s.proto.data(), s.proto.size()));
    for (auto _ : state) {
      auto graph = DecodeGraphProto(bytes, limits);
      Consume(graph, state);
    }
    state.counters["bytes"] = static_cast<double>(s.proto.size());
  });
  Register(g, "protobuf/deserialize_validate", [limits](benchmark::State& state, const Subject& s) {
    const auto bytes = std::as_bytes(std::span(s.proto.data(), s.proto.size()));
    for (auto _ : state) {
      auto graph = DecodeGraphProto(bytes, limits);
      if (graph.ok() && !ValidateGraph(*graph, limits).ok()) state.SkipWithError("invalid");
      Consume(graph, state);
    }
    state.counters["bytes"] = static_cast<double>(s.proto.size());
  });

  // ---- Cap'n Proto (src/format/capnp/codec.h) ----
  Register(g, "capnp/serialize", [](benchmark::State& state, const Subject& s) {
    for (auto _ : state) {
      auto bytes = EncodeGraph(s.graph);
      Consume(bytes, state);
    }
    state.counters["bytes"] = static_cast<double>(s.capnp_size);
  });
  Register(g, "capnp/traverse_only", [](benchmark::State& state, const Subject& s) {
    for (auto _ : state) {
      auto sum = TraverseCapnp(s);
      Consume(sum, state);
    }
    state.counters["bytes"] = static_cast<double>(s.capnp_size);
  });
  Register(g, "capnp/deserialize", [](benchmark::State& state, const Subject& s) {
    for (auto _ : state) {
      auto graph = DecodeCapnpUnvalidated(s);
      Consume(graph, state);
    }
    state.counters["bytes"] = static_cast<double>(s.capnp_size);
  });
  Register(g, "capnp/deserialize_validate", [](benchmark::State& state, const Subject& s) {
    for (auto _ : state) {
      auto graph = DecodeGraph(s.capnp_bytes());
      Consume(graph, state);
    }
    state.counters["bytes"] = static_cast<double>(s.capnp_size);
  });
  Register(g, "capnp/deserialize_validate_shared", [](benchmark::State& state, const Subject& s) {
    for (auto _ : state) {
      auto graph = DecodeGraphShared(s.capnp_words, s.capnp_bytes());
      Consume(graph, state);
    }
    state.counters["bytes"] = static_cast<double>(s.capnp_size);
  });

  // ---- The validator alone (the share of every *_validate above) ----
  Register(g, "validate_only", [limits](benchmark::State& state, const Subject& s) {
    for (auto _ : state) {
      Status st = ValidateGraph(s.graph, limits);
      if (!st.ok()) state.SkipWithError(st.error().ToString().c_str());
      benchmark::DoNotOptimize(st);
    }
    uint64_t constant_bytes = 0;
    for (const auto& [id, bytes] : s.graph.constants) constant_bytes += bytes.size();
    state.counters["operations"] = static_cast<double>(s.graph.operations.size());
    state.counters["operands"] = static_cast<double>(s.graph.operands.size());
    state.counters["constant_bytes"] = static_cast<double>(constant_bytes);
  });
}

}  // namespace
}  // namespace webnn::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("protobuf",
                              google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION));
  benchmark::AddCustomContext("capnp", std::to_string(CAPNP_VERSION_MAJOR) + "." +
                                           std::to_string(CAPNP_VERSION_MINOR) + "." +
                                           std::to_string(CAPNP_VERSION_MICRO));
  webnn::bench::RegisterAll("synthetic");
  webnn::bench::RegisterAll("mobilenetv2");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
