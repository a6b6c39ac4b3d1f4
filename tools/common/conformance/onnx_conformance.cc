#include "conformance/onnx_conformance.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <ostream>
#include <sstream>

#include "api/internal.h"
#include "format/onnx/onnx_model.h"

namespace webnn::conformance {

namespace {

namespace fs = std::filesystem;

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kUnknownError, "cannot read ", path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<format::Tensor> ReadTensorFile(const fs::path& path) {
  WEBNN_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  auto proto = std::make_shared<onnx::TensorProto>();
  if (!proto->ParseFromString(bytes)) {
    return MakeError(ErrorCode::kDataError, path.string(), ": not a TensorProto");
  }
  auto t = format::ReadTensorProto(*proto, proto, path.parent_path());
  if (!t.ok()) return std::move(t.error().Prefix(path.filename().string()));
  return t;
}

// input_0.pb, input_1.pb, ... in numeric order.
std::vector<fs::path> Numbered(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> files;
  for (size_t i = 0;; ++i) {
    fs::path p = dir / (prefix + std::to_string(i) + ".pb");
    if (!fs::exists(p)) break;
    files.push_back(p);
  }
  return files;
}

// Test folders: a folder holding model.onnx, or the sorted subfolders of one that do.
Result<std::vector<fs::path>> ListTests(const std::vector<fs::path>& paths) {
  std::vector<fs::path> tests;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec))
      return MakeError(ErrorCode::kUnknownError, "no such folder: ", p.string());
    if (fs::exists(p / "model.onnx")) {
      tests.push_back(p);
      continue;
    }
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(p)) {
      if (entry.is_directory() && fs::exists(entry.path() / "model.onnx")) {
        found.push_back(entry.path());
      } else if (entry.is_directory()) {
        // One more level: data/node/test_abs.
        for (const auto& sub : fs::directory_iterator(entry.path())) {
          if (sub.is_directory() && fs::exists(sub.path() / "model.onnx"))
            found.push_back(sub.path());
        }
      }
    }
    std::sort(found.begin(), found.end());
    tests.insert(tests.end(), found.begin(), found.end());
  }
  return tests;
}

HostTensor ToHost(const format::Tensor& t) {
  HostTensor h;
  h.desc = t.desc;
  h.bytes.assign(t.bytes.data(), t.bytes.data() + t.bytes.size());
  return h;
}

// Compares like numpy.testing.assert_allclose: |actual - expected| <= atol + rtol * |expected|,
// NaN equal to NaN, infinities equal to themselves.
std::string Compare(const std::string& name, const HostTensor& actual,
                    const format::Tensor& expected, double rtol, double atol) {
  if (actual.desc.shape != expected.desc.shape) {
    return "output '" + name + "' has shape " + ShapeToString(actual.desc.shape) + ", expected " +
           ShapeToString(expected.desc.shape);
  }
  if (actual.desc.dataType != expected.desc.dataType) {
    return "output '" + name + "' is " + std::string(DataTypeName(actual.desc.dataType)) +
           ", expected " + std::string(DataTypeName(expected.desc.dataType));
  }
  const size_t n = expected.count();
  size_t bad = 0, first = 0;
  double first_a = 0, first_e = 0;
  for (size_t i = 0; i < n; ++i) {
    const double a = format::LoadDouble(actual.desc.dataType, actual.bytes.data(), i);
    const double e = expected.GetDouble(i);
    bool ok;
    if (std::isnan(e) || std::isnan(a)) {
      ok = std::isnan(e) && std::isnan(a);
    } else if (std::isinf(e) || std::isinf(a)) {
      ok = a == e;
    } else {
      ok = std::fabs(a - e) <= atol + rtol * std::fabs(e);
    }
    if (!ok && bad++ == 0) {
      first = i;
      first_a = a;
      first_e = e;
    }
  }
  if (bad == 0) return "";
  std::ostringstream why;
  why << "output '" << name << "': " << bad << " of " << n << " values differ; [" << first
      << "] is " << first_a << ", expected " << first_e;
  return why.str();
}

// Runs one test folder; returns its outcome and reason.
CaseResult RunTest(MLContext& context, const fs::path& dir, const OnnxRunOptions& options) {
  CaseResult r;
  r.file = dir.parent_path().filename().string();
  r.name = dir.filename().string();
  auto fail = [&](Outcome o, std::string why) {
    r.outcome = o;
    r.reason = std::move(why);
    return r;
  };
  auto bytes = ReadFile(dir / "model.onnx");
  if (!bytes.ok()) return fail(Outcome::kFail, bytes.error().message());
  auto model =
      format::ParseOnnxModel({reinterpret_cast<const std::byte*>(bytes->data()), bytes->size()});
  if (!model.ok()) return fail(Outcome::kFail, model.error().message());
  std::vector<std::string> input_names, output_names;
  {
    std::set<std::string> inits;
    for (const auto& init : (*model)->graph().initializer()) inits.insert(init.name());
    for (const auto& in : (*model)->graph().input()) {
      if (!inits.count(in.name())) input_names.push_back(in.name());
    }
    for (const auto& out : (*model)->graph().output()) output_names.push_back(out.name());
  }
  format::OnnxImportOptions import_options;
  import_options.limits = LimitsOf(context.options());
  // Free (named) input dimensions take their sizes from the first data set's inputs, as a user
  // would give them with --dim.
  {
    std::map<std::string, const onnx::ValueInfoProto*> by_name;
    for (const auto& in : (*model)->graph().input()) by_name[in.name()] = &in;
    const std::vector<fs::path> first = Numbered(dir / "test_data_set_0", "input_");
    for (size_t i = 0; i < first.size() && i < input_names.size(); ++i) {
      const auto* info = by_name[input_names[i]];
      if (!info->type().has_tensor_type() || !info->type().tensor_type().has_shape()) continue;
      auto t = ReadTensorFile(first[i]);
      if (!t.ok()) continue;
      const auto& shape = info->type().tensor_type().shape();
      for (int d = 0; d < shape.dim_size() && static_cast<size_t>(d) < t->desc.shape.size(); ++d) {
        if (!shape.dim(d).dim_param().empty()) {
          import_options.dims[shape.dim(d).dim_param()] = t->desc.shape[static_cast<size_t>(d)];
        }
      }
    }
  }
  auto graph_info = format::ImportOnnxModel(*model, dir, import_options);
  if (!graph_info.ok()) {
    const Error& e = graph_info.error();
    return fail(e.code() == ErrorCode::kNotSupportedError ? Outcome::kSkip : Outcome::kFail,
                "import: " + e.ToString());
  }
  MLGraph graph;
  try {
    graph = CompileGraph(context, std::move(*graph_info));
  } catch (const Exception& e) {
    return fail(Outcome::kFail, "compile: " + e.error().ToString());
  }
  const auto inputs = graph.inputDescriptors();
  std::vector<fs::path> sets;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory() && entry.path().filename().string().starts_with("test_data_set_")) {
      sets.push_back(entry.path());
    }
  }
  std::sort(sets.begin(), sets.end());
  if (sets.empty()) return fail(Outcome::kFail, "no test_data_set_* folder");
  for (const fs::path& set : sets) {
    const std::string where = set.filename().string() + ": ";
    HostTensors feeds;
    const std::vector<fs::path> in_files = Numbered(set, "input_");
    for (size_t i = 0; i < in_files.size(); ++i) {
      auto t = ReadTensorFile(in_files[i]);
      if (!t.ok()) {
        return fail(
            t.error().code() == ErrorCode::kNotSupportedError ? Outcome::kSkip : Outcome::kFail,
            where + t.error().message());
      }
      if (i >= input_names.size())
        return fail(Outcome::kFail, where + "more inputs than the model has");
      auto it = inputs.find(input_names[i]);
      if (it == inputs.end()) continue;  // an input no output depends on
      if (!(it->second == t->desc)) {
        return fail(Outcome::kFail, where + "input '" + input_names[i] + "' is " +
                                        DescriptorToString(t->desc) + ", the graph takes " +
                                        DescriptorToString(it->second));
      }
      feeds[input_names[i]] = ToHost(*t);
    }
    HostTensors results;
    try {
      results = context.compute(graph, feeds);
    } catch (const Exception& e) {
      return fail(Outcome::kFail, where + "compute: " + e.error().ToString());
    }
    const std::vector<fs::path> out_files = Numbered(set, "output_");
    for (size_t i = 0; i < out_files.size() && i < output_names.size(); ++i) {
      auto t = ReadTensorFile(out_files[i]);
      if (!t.ok()) return fail(Outcome::kFail, where + t.error().message());
      auto it = results.find(output_names[i]);
      if (it == results.end())
        return fail(Outcome::kFail, where + "no output '" + output_names[i] + "'");
      std::string why = Compare(output_names[i], it->second, *t, options.rtol, options.atol);
      if (!why.empty()) return fail(Outcome::kFail, where + why);
    }
  }
  r.outcome = Outcome::kPass;
  return r;
}

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kPass:
      return "pass";
    case Outcome::kFail:
      return "fail";
    case Outcome::kSkip:
      return "skip";
  }
  return "?";
}

// One line of reason: no newlines or " | " that would break the expectations format.
std::string OneLine(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  for (size_t at; (at = s.find(" | ")) != std::string::npos;) s.replace(at, 3, " / ");
  return s;
}

}  // namespace

Result<Summary> RunOnnx(const std::vector<fs::path>& paths, const OnnxRunOptions& options,
                        std::ostream& log) {
  WEBNN_ASSIGN_OR_RETURN(std::vector<fs::path> tests, ListTests(paths));
  std::shared_ptr<MLContext> context = ML().createContext(options.context);
  Summary summary;
  for (const fs::path& dir : tests) {
    const std::string key = dir.parent_path().filename().string() + "::" + dir.filename().string();
    if (!options.filter.empty() && key.find(options.filter) == std::string::npos) continue;
    const auto start = std::chrono::steady_clock::now();
    CaseResult r;
    try {
      r = RunTest(*context, dir, options);
    } catch (const std::exception& e) {
      r.file = dir.parent_path().filename().string();
      r.name = dir.filename().string();
      r.outcome = Outcome::kFail;
      r.reason = std::string("exception: ") + e.what();
    }
    r.reason = OneLine(r.reason);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (seconds > 2) log << "SLOW " << r.Key() << ": " << seconds << " s\n";
    summary.Add(std::move(r), log);
  }
  return summary;
}

Result<OnnxExpectations> LoadOnnxExpectations(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kUnknownError, "cannot read ", path.string());
  OnnxExpectations e;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const size_t a = line.find(" | ");
    const size_t b = a == std::string::npos ? a : line.find(" | ", a + 3);
    const std::string status = b == std::string::npos ? "" : line.substr(a + 3, b - a - 3);
    if (status != "skip" && status != "fail") {
      return MakeError(ErrorCode::kDataError, path.string(), ":", line_no,
                       ": expected '<group>::<test> | skip|fail | <reason>'");
    }
    e[line.substr(0, a)] = {status == "skip" ? Outcome::kSkip : Outcome::kFail, line.substr(b + 3)};
  }
  return e;
}

Status WriteOnnxExpectations(const Summary& summary, const fs::path& path) {
  std::ofstream out(path);
  if (!out) return MakeError(ErrorCode::kUnknownError, "cannot write ", path.string());
  out << "# ONNX backend tests (libonnx-testdata) that do not pass, with the reason.\n"
         "# <group>::<test> | skip|fail | <reason>\n"
         "# skip: the importer reports the model cannot be expressed in WebNN "
         "(NotSupportedError).\n"
         "# fail: it imports but is rejected by a WebNN validator, or its results differ.\n";
  for (const CaseResult& r : summary.results) {
    if (r.outcome == Outcome::kPass) continue;
    out << r.Key() << " | " << OutcomeName(r.outcome) << " | " << r.reason << "\n";
  }
  return {};
}

std::vector<std::string> CheckOnnxExpectations(const Summary& summary,
                                               const OnnxExpectations& expectations) {
  std::vector<std::string> problems;
  std::set<std::string> ran;
  for (const CaseResult& r : summary.results) {
    ran.insert(r.Key());
    auto it = expectations.find(r.Key());
    if (it == expectations.end()) {
      if (r.outcome != Outcome::kPass) {
        problems.push_back("unexpected " + std::string(OutcomeName(r.outcome)) + ": " + r.Key() +
                           ": " + r.reason);
      }
    } else if (r.outcome != it->second.outcome) {
      problems.push_back(
          "expected " + std::string(OutcomeName(it->second.outcome)) + ", got " +
          std::string(OutcomeName(r.outcome)) + ": " + r.Key() +
          (r.outcome == Outcome::kPass ? " (remove it from the expectations)" : ": " + r.reason));
    }
  }
  for (const auto& [key, e] : expectations) {
    if (!ran.count(key)) problems.push_back("expectation for a test that did not run: " + key);
  }
  return problems;
}

}  // namespace webnn::conformance
