#include "conformance/conformance.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "api/internal.h"
#include "backend/reference/tensor_util.h"
#include "format/json/attrs_json.h"
#include "ops/op_info.h"

namespace webnn::conformance {

using Json = nlohmann::ordered_json;

namespace {

// A number from the vectors: finite JSON numbers, "NaN"/"Infinity"/"-Infinity", or a decimal
// integer string (int64 expectations and integers beyond 2^53). Integers are kept exact.
struct Number {
  bool is_int = false;
  bool negative = false;
  uint64_t magnitude = 0;  // when is_int
  double d = 0;

  int64_t AsInt64() const {
    return negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  }
};

Result<Number> ParseNumber(const Json& v) {
  Number n;
  if (v.is_number_integer()) {
    n.is_int = true;
    if (v.is_number_unsigned()) {
      n.magnitude = v.get<uint64_t>();
    } else {
      const int64_t i = v.get<int64_t>();
      n.negative = i < 0;
      n.magnitude = n.negative ? 0 - static_cast<uint64_t>(i) : static_cast<uint64_t>(i);
    }
    n.d = n.negative ? -static_cast<double>(n.magnitude) : static_cast<double>(n.magnitude);
    return n;
  }
  if (v.is_number()) {
    n.d = v.get<double>();
    return n;
  }
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "NaN") {
      n.d = NAN;
      return n;
    }
    if (s == "Infinity") {
      n.d = INFINITY;
      return n;
    }
    if (s == "-Infinity") {
      n.d = -INFINITY;
      return n;
    }
    size_t i = 0;
    n.is_int = true;
    if (!s.empty() && s[0] == '-') {
      n.negative = true;
      i = 1;
    }
    if (i == s.size()) return MakeError(ErrorCode::kDataError, "bad number '", s, "'");
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return MakeError(ErrorCode::kDataError, "bad number '", s, "'");
      n.magnitude = n.magnitude * 10 + static_cast<uint64_t>(s[i] - '0');
    }
    n.d = n.negative ? -static_cast<double>(n.magnitude) : static_cast<double>(n.magnitude);
    return n;
  }
  return MakeError(ErrorCode::kDataError, "expected a number, got ", v.dump());
}

void StoreNumber(DataType t, std::byte* base, size_t i, const Number& n) {
  if (n.is_int && !IsFloatingPoint(t)) {
    if (t == DataType::kUint64) {
      reference::StoreRaw<uint64_t>(base, i, n.negative ? 0 - n.magnitude : n.magnitude);
    } else {
      reference::StoreFromInt64(t, base, i, n.AsInt64());
    }
    return;
  }
  reference::StoreFromDouble(t, base, i, n.d);
}

Result<OperandDescriptor> ParseDescriptor(const Json& d) {
  if (!d.is_object() || !d.contains("dataType") || !d.contains("shape")) {
    return MakeError(ErrorCode::kDataError, "bad descriptor ", d.dump());
  }
  std::optional<DataType> t = DataTypeFromName(d["dataType"].get<std::string>());
  if (!t) return MakeError(ErrorCode::kNotSupportedError, "data type ", d["dataType"].dump());
  OperandDescriptor desc{*t, {}};
  for (const Json& dim : d["shape"]) desc.shape.push_back(dim.get<uint32_t>());
  return desc;
}

Result<std::vector<std::byte>> ParseData(const Json& data, const OperandDescriptor& desc) {
  const size_t count = desc.ElementCount();
  std::vector<std::byte> bytes(desc.ByteLength(), std::byte{0});
  if (data.is_array()) {
    if (data.size() != count) {
      return MakeError(ErrorCode::kDataError, "data has ", data.size(), " values, ",
                       DescriptorToString(desc), " has ", count);
    }
    for (size_t i = 0; i < count; ++i) {
      WEBNN_ASSIGN_OR_RETURN(Number n, ParseNumber(data[i]));
      StoreNumber(desc.dataType, bytes.data(), i, n);
    }
  } else {
    WEBNN_ASSIGN_OR_RETURN(Number n, ParseNumber(data));
    for (size_t i = 0; i < count; ++i) StoreNumber(desc.dataType, bytes.data(), i, n);
  }
  return bytes;
}

int64_t Float32UlpBits(float v) {
  uint32_t bits;
  const float a = std::fabs(v);
  std::memcpy(&bits, &a, 4);
  return v < 0 ? -static_cast<int64_t>(bits) : static_cast<int64_t>(bits);
}

// Compares one element; returns an empty string when it passes, otherwise why not.
std::string CompareElement(DataType t, const std::byte* actual, size_t i, const Number& expected,
                           const std::string& metric, double tolerance) {
  std::ostringstream why;
  if (IsFloatingPoint(t)) {
    const double a = reference::LoadAsDouble(t, actual, i);
    const double e = expected.d;
    if (a == e) return "";
    if (std::isnan(e)) {
      if (std::isnan(a) && metric == "ULP") return "";
      why << "got " << a << ", expected NaN";
      return why.str();
    }
    if (metric == "ATOL") {
      if (std::fabs(a - e) <= tolerance) return "";
      why << "got " << a << ", expected " << e << " (atol " << tolerance << ")";
      return why.str();
    }
    int64_t distance;
    if (t == DataType::kFloat32) {
      distance =
          std::llabs(Float32UlpBits(static_cast<float>(a)) - Float32UlpBits(static_cast<float>(e)));
    } else {
      const uint16_t ab = reference::LoadRaw<uint16_t>(actual, i);
      const uint16_t eb = FloatToHalf(static_cast<float>(e));
      distance = ((ab & 0x7FFF) == 0 && (eb & 0x7FFF) == 0) ? 0 : std::abs(ab - eb);
    }
    if (std::isnan(a)) distance = INT64_MAX;
    if (static_cast<double>(distance) <= tolerance) return "";
    why << "got " << a << ", expected " << e << " (" << distance << " ULP > " << tolerance << ")";
    return why.str();
  }
  // Integers: exact 64-bit distance.
  __int128 a, e;
  if (t == DataType::kUint64) {
    a = reference::LoadAsUint64(t, actual, i);
  } else {
    a = reference::LoadAsInt64(t, actual, i);
  }
  if (expected.is_int) {
    e = expected.negative ? -static_cast<__int128>(expected.magnitude)
                          : static_cast<__int128>(expected.magnitude);
  } else {
    e = static_cast<__int128>(expected.d);
  }
  const __int128 d = a > e ? a - e : e - a;
  if (metric == "ATOL" ? static_cast<double>(d) <= tolerance
                       : static_cast<double>(d) <= tolerance) {
    return "";
  }
  why << "got " << static_cast<long long>(a) << ", expected " << static_cast<long long>(e);
  return why.str();
}

struct BuiltCase {
  MLGraph graph;
  HostTensors feeds;
};

// Builds one case's graph through MLGraphBuilder; returns why it could not be built, or "".
// The builder's errors are thrown (webnn::Exception).
std::string BuildCase(const std::shared_ptr<MLContext>& context, const Json& c, BuiltCase& built,
                      const MLGraphOptions& options = {}) {
  const Json& graph = c.at("graph");
  MLGraphBuilder builder(context);
  std::map<std::string, MLOperand> operands;
  std::map<uint32_t, HostTensor> constants;  // operand id -> its data (for legacy reshapes)
  HostTensors feeds;
  for (const auto& [name, in] : graph.at("inputs").items()) {
    auto desc = ParseDescriptor(in.at("descriptor"));
    if (!desc.ok()) return "input '" + name + "': " + desc.error().message();
    auto bytes = ParseData(in.at("data"), *desc);
    if (!bytes.ok()) return "input '" + name + "': " + bytes.error().message();
    if (in.value("constant", false)) {
      operands[name] = builder.constant(*desc, *bytes);
      constants[operands[name].id()] = HostTensor{*desc, *bytes};
    } else {
      operands[name] = builder.input(name, *desc);
      feeds[name] = HostTensor{*desc, std::move(*bytes)};
    }
  }
  for (const Json& op : c.at("resolvedOperators")) {
    const std::string op_name = op.at("name").get<std::string>();
    std::optional<OpKind> kind = OpKindFromName(op_name);
    if (!kind) return "unknown operator " + op_name;
    const OpInfo& info = GetOpInfo(*kind);
    std::vector<MLOperand> slots(info.IsVariadic() ? 0 : info.inputs.size());
    Json attrs_json = Json::object();
    std::string label;
    auto operand_of = [&](const Json& n) -> MLOperand {
      auto it = operands.find(n.get<std::string>());
      if (it == operands.end())
        throw Exception(MakeError(ErrorCode::kDataError, "unknown operand ", n.dump()));
      return it->second;
    };
    size_t positional = 0;
    for (const Json& arg : op.at("args")) {
      const std::string kind_s = arg.at("kind").get<std::string>();
      std::string param = arg.value("param", "");
      if (kind_s == "operand") {
        int slot = info.InputSlot(param);
        if (slot == kNoSlot) slot = static_cast<int>(positional);
        if (static_cast<size_t>(slot) >= slots.size()) return "too many operands for " + op_name;
        slots[static_cast<size_t>(slot)] = operand_of(arg.at("operand"));
        ++positional;
      } else if (kind_s == "operandList") {
        for (const Json& n : arg.at("operands")) slots.push_back(operand_of(n));
      } else if (kind_s == "value") {
        if (op_name == "cast" && param == "type") param = "dataType";
        attrs_json[param] = arg.at("value");
      } else if (kind_s == "options") {
        for (const auto& [k, v] : arg.at("value").items()) {
          if (k == "label") {
            label = v.get<std::string>();
            continue;
          }
          // wpt of 2025-03 still uses the pool2d option's former name.
          attrs_json[k == "roundingType" ? "outputShapeRounding" : k] = v;
        }
        if (arg.contains("operandOptions")) {
          for (const auto& [k, v] : arg.at("operandOptions").items()) {
            const int slot = info.InputSlot(k);
            if (slot == kNoSlot) return op_name + ": unknown operand option " + k;
            slots[static_cast<size_t>(slot)] = operand_of(v);
          }
        }
      }
    }
    // Calls of the 2025-03 wpt snapshot that predate the current spec, mapped onto it:
    // - softmax(input) without an axis was the 2-D softmax over the last dimension;
    // - quantizeLinear/dequantizeLinear took a scale and zeroPoint of lower rank, broadcast
    //   from the trailing dimensions; the spec now requires the input's rank, so they are
    //   reshaped with leading 1s (the same values and the same blockwise broadcast).
    if (*kind == OpKind::kSoftmax && !attrs_json.contains("axis") && slots[0].valid()) {
      attrs_json["axis"] = slots[0].shape().empty() ? 0 : slots[0].shape().size() - 1;
    }
    if ((*kind == OpKind::kQuantizeLinear || *kind == OpKind::kDequantizeLinear) &&
        slots.size() == 3 && slots[0].valid()) {
      const size_t rank = slots[0].shape().size();
      for (size_t s = 1; s < 3; ++s) {
        if (!slots[s].valid() || slots[s].shape().size() >= rank) continue;
        std::vector<uint32_t> shape(rank - slots[s].shape().size(), 1);
        shape.insert(shape.end(), slots[s].shape().begin(), slots[s].shape().end());
        auto constant = constants.find(slots[s].id());
        if (constant != constants.end()) {
          // A constant is re-created with the new shape: int4/uint4 cannot be reshaped.
          slots[s] =
              builder.constant({constant->second.desc.dataType, shape}, constant->second.bytes);
        } else {
          slots[s] = builder.reshape(slots[s], shape);
        }
      }
    }
    auto attrs = AttrsFromJson(*kind, attrs_json, op_name, {});
    if (!attrs.ok()) return attrs.error().ToString();
    std::vector<MLOperand> results = builder.op(*kind, slots, *attrs, label);
    const Json& outs = op.at("outputs");
    if (outs.is_array()) {
      if (outs.size() > results.size()) return op_name + ": fewer results than expected";
      for (size_t i = 0; i < outs.size(); ++i) operands[outs[i].get<std::string>()] = results[i];
    } else {
      operands[outs.get<std::string>()] = results.at(0);
    }
  }

  MLNamedOperands outputs;
  for (const auto& [name, expected] : graph.at("expectedOutputs").items()) {
    auto it = operands.find(name);
    if (it == operands.end()) return "no operand named " + name;
    auto desc = ParseDescriptor(expected.at("descriptor"));
    if (!desc.ok()) return desc.error().message();
    if (!(it->second.descriptor() == *desc)) {
      return "output '" + name + "' is " + DescriptorToString(it->second.descriptor()) +
             ", expected " + DescriptorToString(*desc);
    }
    outputs[name] = it->second;
  }
  built.graph = builder.build(outputs, options);
  built.feeds = std::move(feeds);
  return "";
}

// Compares a case's results with its expectations; returns the failure reason or "".
std::string CheckResults(const Json& c, const HostTensors& results) {
  const Json& graph = c.at("graph");
  const Json& tol = c.at("tolerance");
  const std::string metric = tol.value("metric", "ULP");
  const double value = tol.contains("value") ? tol.at("value").get<double>() : 0.0;
  for (const auto& [name, expected] : graph.at("expectedOutputs").items()) {
    const HostTensor& actual = results.at(name);
    const Json& data = expected.at("data");
    const size_t count = actual.desc.ElementCount();
    const bool scalar = !data.is_array();
    if (!scalar && data.size() != count) return "expected data size mismatch for " + name;
    const size_t n = scalar && count > 1 ? std::min<size_t>(1000, count) : count;
    for (size_t i = 0; i < n; ++i) {
      auto e = ParseNumber(scalar ? data : data[i]);
      if (!e.ok()) return e.error().message();
      std::string why =
          CompareElement(actual.desc.dataType, actual.bytes.data(), i, *e, metric, value);
      if (!why.empty()) return "output '" + name + "'[" + std::to_string(i) + "]: " + why;
    }
  }
  return "";
}

// Builds, runs and checks one case; returns the failure reason or "" for a pass. With
// `direct`, the case also runs there and every output must be bit-identical.
std::string RunCase(MLContext& ctx_ref, const std::shared_ptr<MLContext>& context, const Json& c,
                    const std::shared_ptr<MLContext>& direct = nullptr) {
  BuiltCase built;
  std::string why = BuildCase(context, c, built);
  if (!why.empty()) return why;
  HostTensors results = ctx_ref.compute(built.graph, built.feeds);
  if (direct) {
    BuiltCase reference;
    why = BuildCase(direct, c, reference);
    if (!why.empty()) return why;
    HostTensors expected = direct->compute(reference.graph, reference.feeds);
    for (const auto& [name, tensor] : expected) {
      auto it = results.find(name);
      if (it == results.end() || it->second.bytes != tensor.bytes) {
        return "output '" + name + "' is not bit-identical to the direct executor's";
      }
    }
  }
  return CheckResults(c, results);
}

// The conformance files named by `paths` (a folder means each *.json in it, sorted).
Result<std::vector<std::filesystem::path>> ListFiles(
    const std::vector<std::filesystem::path>& paths) {
  std::vector<std::filesystem::path> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::filesystem::path> found;
      for (const auto& entry : std::filesystem::directory_iterator(p)) {
        if (entry.path().extension() == ".json") found.push_back(entry.path());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::exists(p, ec)) {
      files.push_back(p);
    } else {
      return MakeError(ErrorCode::kUnknownError, "no such file or folder: ", p.string());
    }
  }
  return files;
}

// A file's document; null when it is JSON but not a conformance file (a stray JSON in the folder).
Result<Json> ReadCases(const std::filesystem::path& file) {
  Json doc;
  std::ifstream in(file);
  try {
    doc = Json::parse(in);
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kDataError, file.string(), ": ", e.what());
  }
  if (!doc.is_object() || !doc.contains("cases")) return Json();
  return doc;
}

}  // namespace

Result<Expectations> LoadExpectations(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kUnknownError, "cannot read ", path.string());
  Expectations e;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const size_t bar = line.find(" | ");
    if (bar == std::string::npos) {
      return MakeError(ErrorCode::kDataError, path.string(), ":", line_no,
                       ": expected '<file>::<case> | <reason>'");
    }
    e[line.substr(0, bar)] = line.substr(bar + 3);
  }
  return e;
}

void Summary::Add(CaseResult r, std::ostream& log) {
  switch (r.outcome) {
    case Outcome::kPass:
      ++passed;
      break;
    case Outcome::kFail:
      ++failed;
      log << "FAIL " << r.Key() << ": " << r.reason << "\n";
      break;
    case Outcome::kSkip:
      ++skipped;
      log << "SKIP " << r.Key() << ": " << r.reason << "\n";
      break;
  }
  results.push_back(std::move(r));
}

Result<Summary> Run(const std::vector<std::filesystem::path>& paths, const RunOptions& options,
                    std::ostream& log) {
  WEBNN_ASSIGN_OR_RETURN(std::vector<std::filesystem::path> files, ListFiles(paths));
  std::shared_ptr<MLContext> context = ML().createContext(options.context);
  std::shared_ptr<MLContext> direct;
  if (options.compare_with_direct && options.context.executor != "direct") {
    // The same backend and thread count in-process: results must be bit-identical.
    MLContextOptions in_process;
    in_process.backend = options.context.backend;
    in_process.threads = options.context.threads;
    direct = ML().createContext(in_process);
  }
  Summary summary;
  for (const auto& file : files) {
    WEBNN_ASSIGN_OR_RETURN(Json doc, ReadCases(file));
    if (doc.is_null()) continue;
    const std::string fname = file.filename().string();
    for (const Json& c : doc["cases"]) {
      CaseResult r;
      r.file = fname;
      r.name = c.value("name", "?");
      if (!options.filter.empty() && r.Key().find(options.filter) == std::string::npos) continue;
      try {
        r.reason = RunCase(*context, context, c, direct);
        r.outcome = r.reason.empty() ? Outcome::kPass : Outcome::kFail;
      } catch (const Exception& e) {
        r.reason = e.error().ToString();
        r.outcome =
            e.error().code() == ErrorCode::kNotSupportedError ? Outcome::kSkip : Outcome::kFail;
      } catch (const std::exception& e) {
        r.reason = std::string("malformed case: ") + e.what();
        r.outcome = Outcome::kFail;
      }
      summary.Add(std::move(r), log);
    }
  }
  return summary;
}

Result<std::vector<CaseGraph>> BuildCaseGraphs(const std::vector<std::filesystem::path>& paths,
                                               const std::string& filter,
                                               std::vector<CaseResult>* not_built) {
  WEBNN_ASSIGN_OR_RETURN(std::vector<std::filesystem::path> files, ListFiles(paths));
  // The graphs are taken out of the compiled MLGraph, so they are built in-process.
  std::shared_ptr<MLContext> context = ML().createContext();
  std::vector<CaseGraph> graphs;
  for (const auto& file : files) {
    WEBNN_ASSIGN_OR_RETURN(Json doc, ReadCases(file));
    if (doc.is_null()) continue;
    for (const Json& c : doc["cases"]) {
      CaseResult r;
      r.file = file.filename().string();
      r.name = c.value("name", "?");
      if (!filter.empty() && r.Key().find(filter) == std::string::npos) continue;
      BuiltCase built;
      try {
        r.reason = BuildCase(context, c, built, MLGraphOptions{.keepGraph = true});
      } catch (const Exception& e) {
        r.reason = e.error().ToString();
      } catch (const std::exception& e) {
        r.reason = std::string("malformed case: ") + e.what();
      }
      if (!r.reason.empty()) {
        r.outcome = Outcome::kSkip;
        if (not_built) not_built->push_back(std::move(r));
        continue;
      }
      graphs.push_back({r.file, r.name, *built.graph.state()->ir, std::move(built.feeds)});
    }
  }
  return graphs;
}

std::vector<std::string> CheckExpectations(const Summary& summary,
                                           const Expectations& expectations) {
  std::vector<std::string> problems;
  std::map<std::string, const CaseResult*> by_key;
  for (const CaseResult& r : summary.results) by_key[r.Key()] = &r;
  for (const CaseResult& r : summary.results) {
    const bool expected_fail = expectations.count(r.Key()) > 0;
    if (r.outcome == Outcome::kFail && !expected_fail) {
      problems.push_back("unexpected failure: " + r.Key() + ": " + r.reason);
    } else if (r.outcome == Outcome::kPass && expected_fail) {
      problems.push_back("unexpected pass (remove it from the expectations): " + r.Key());
    }
  }
  for (const auto& [key, reason] : expectations) {
    if (!by_key.count(key)) problems.push_back("expectation for a case that did not run: " + key);
  }
  return problems;
}

}  // namespace webnn::conformance
