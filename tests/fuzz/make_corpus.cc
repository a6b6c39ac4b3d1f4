// Writes the seed corpora and the JSON dictionary of tests/fuzz from the conformance graphs
// (tests/conformance/data) and models/. Run by tests/fuzz/make_corpus.sh, which also adds the
// images; its output is committed.
//
//   webnn_fuzz_corpus SOURCE_DIR OUT_DIR
//
// OUT_DIR/capnp_decode: per conformance file, its smallest case as a Cap'n Proto message.
// OUT_DIR/graph_json:   a sample of those graphs as webnn-graph-json documents, some with their
//                       constants in a WGWT blob + manifest or a safetensors file (the harness's
//                       "\n--\n"-separated parts), and models/lenet/lenet.json alone.
// OUT_DIR/npy:          one .npy per data type from the cases' inputs.
// OUT_DIR/graph_json.dict: op names, every JSON key and short string of the documents.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "conformance/conformance.h"
#include "format/capnp/codec.h"
#include "format/json/graph_json.h"
#include "ops/op_info.h"
#include "util/npy.h"
#include "webnn/attrs.h"

namespace fs = std::filesystem;
using namespace webnn;

namespace {

constexpr std::string_view kSeparator = "\n--\n";
constexpr size_t kMaxSeedBytes = 8192;

bool Write(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}
std::string_view Text(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// A safetensors file holding the tensors of a WGWT manifest (same keys, same bytes).
std::string Safetensors(const std::string& manifest_text, const std::string& blob) {
  const nlohmann::json manifest = nlohmann::json::parse(manifest_text);
  static const std::map<std::string, std::string> kDtypes = {
      {"float32", "F32"}, {"float16", "F16"}, {"int32", "I32"}, {"uint32", "U32"},
      {"int64", "I64"},   {"uint64", "U64"},  {"int8", "I8"},   {"uint8", "U8"}};
  nlohmann::json header = nlohmann::json::object();
  std::string data;
  for (const auto& [key, entry] : manifest.at("tensors").items()) {
    auto dtype = kDtypes.find(entry.at("dataType").get<std::string>());
    if (dtype == kDtypes.end()) return "";
    const size_t offset = entry.at("byteOffset").get<size_t>();
    const size_t length = entry.at("byteLength").get<size_t>();
    header[key] = {{"dtype", dtype->second},
                   {"shape", entry.at("shape")},
                   {"data_offsets", {data.size(), data.size() + length}}};
    data += blob.substr(offset, length);
  }
  const std::string h = header.dump();
  std::string file(8, '\0');
  const uint64_t n = h.size();
  for (int i = 0; i < 8; ++i) file[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return file + h + data;
}

void CollectTokens(const nlohmann::json& j, std::set<std::string>& tokens) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      tokens.insert("\"" + key + "\"");
      CollectTokens(value, tokens);
    }
  } else if (j.is_array()) {
    for (const auto& value : j) CollectTokens(value, tokens);
  } else if (j.is_string() && j.get<std::string>().size() <= 24) {
    tokens.insert("\"" + j.get<std::string>() + "\"");
  }
}

// A libFuzzer dictionary entry: "..." with quotes and backslashes escaped.
std::string DictEntry(const std::string& token) {
  std::string out = "\"";
  for (char c : token) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

int Main(const fs::path& source, const fs::path& out) {
  for (const char* dir : {"capnp_decode", "graph_json", "npy"}) {
    fs::remove_all(out / dir);
    fs::create_directories(out / dir);
  }
  auto cases = conformance::BuildCaseGraphs({source / "tests/conformance/data"});
  if (!cases.ok()) {
    std::cerr << cases.error().ToString() << "\n";
    return 1;
  }
  // The smallest message of each conformance file.
  std::map<std::string, std::pair<const conformance::CaseGraph*, std::vector<std::byte>>> smallest;
  for (const conformance::CaseGraph& c : *cases) {
    auto message = EncodeGraph(c.graph);
    if (!message.ok() || message->size() > kMaxSeedBytes) continue;
    auto it = smallest.find(c.file);
    if (it == smallest.end() || message->size() < it->second.second.size()) {
      smallest[c.file] = {&c, std::move(*message)};
    }
  }
  std::set<std::string> tokens = {"\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\n--\n", "WGWT"};
  for (OpKind kind : AllOpKinds()) tokens.insert("\"" + std::string(OpName(kind)) + "\"");
  std::map<DataType, const HostTensor*> npy_inputs;
  size_t index = 0, json_seeds = 0;
  for (const auto& [file, entry] : smallest) {
    const std::string stem = fs::path(file).stem().string();
    const conformance::CaseGraph& c = *entry.first;
    if (!Write(out / "capnp_decode" / (stem + ".webnn"), Text(entry.second))) return 1;
    for (const auto& [name, tensor] : c.inputs) npy_inputs.emplace(tensor.desc.dataType, &tensor);
    auto text = GraphToJsonText(c.graph);
    if (!text.ok()) continue;
    CollectTokens(nlohmann::json::parse(*text), tokens);
    // A third of the files as documents; of those with constants, some with weights files.
    if (index++ % 3 != 0) continue;
    ++json_seeds;
    if (!Write(out / "graph_json" / (stem + ".json"), *text)) return 1;
    if (c.graph.constants.empty() || json_seeds % 2 != 0) continue;
    auto files = GraphToJsonFiles(c.graph, JsonSaveOptions{.inline_threshold = 0});
    if (!files.ok() || files->weights.blob.empty()) continue;
    const std::string wgwt = files->graph + std::string(kSeparator) + files->weights.manifest +
                             std::string(kSeparator) + files->weights.blob;
    if (!Write(out / "graph_json" / (stem + ".wgwt.json"), wgwt)) return 1;
    const std::string st = Safetensors(files->weights.manifest, files->weights.blob);
    if (st.empty()) continue;
    if (!Write(out / "graph_json" / (stem + ".safetensors.json"),
               files->graph + std::string(kSeparator) + st)) {
      return 1;
    }
  }
  // The input that found the clamp undefined behaviour: float bounds beyond int64 (reference
  // kernels cast them to int64), here on a float32 clamp of the conformance file.
  for (const conformance::CaseGraph& c : *cases) {
    if (c.file != "clamp.json" || c.graph.operations.size() != 1) continue;
    GraphInfo g = c.graph;
    Operation& op = g.operations[0];
    if (op.kind != OpKind::kClamp || g.operands[op.inputs[0]].desc.dataType != DataType::kFloat32) {
      continue;
    }
    op.attrs = ClampAttrs{.minValue = -1e30, .maxValue = std::numeric_limits<double>::infinity()};
    auto message = EncodeGraph(g);
    if (!message.ok() ||
        !Write(out / "capnp_decode" / "clamp_float_bounds_beyond_int64.webnn", Text(*message))) {
      return 1;
    }
    break;
  }
  fs::copy_file(source / "models/lenet/lenet.json", out / "graph_json" / "lenet.json",
                fs::copy_options::overwrite_existing);
  for (const auto& [type, tensor] : npy_inputs) {
    const npy::Array array{tensor->desc, tensor->bytes};
    const std::vector<std::byte> bytes = npy::Serialize(array);
    if (!Write(out / "npy" / (std::string(DataTypeName(type)) + ".npy"), Text(bytes))) return 1;
  }
  std::ofstream dict(out / "graph_json.dict");
  dict << "# Generated by tests/fuzz/make_corpus.sh: op names, JSON keys and short strings.\n";
  for (const std::string& token : tokens) dict << DictEntry(token) << "\n";
  std::cout << smallest.size() << " capnp seeds, " << json_seeds << " json documents, "
            << npy_inputs.size() << " npy files\n";
  return dict ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: webnn_fuzz_corpus SOURCE_DIR OUT_DIR\n";
    return 2;
  }
  return Main(argv[1], argv[2]);
}
