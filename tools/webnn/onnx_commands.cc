// webnn onnx-conformance, and the ONNX parts of webnn convert (--dim, --report).
#include "onnx_commands.h"

#include <algorithm>
#include <charconv>
#include <iostream>

#include "conformance/onnx_conformance.h"
#include "format/onnx/onnx_import.h"

namespace fs = std::filesystem;

namespace webnn::cli {

namespace {

constexpr char kOnnxConformanceUsage[] = R"(Usage: webnn onnx-conformance DIR... [options]

Runs the ONNX backend tests (e.g. /usr/share/libonnx-testdata/data from libonnx-testdata): each
DIR is a test folder (model.onnx + test_data_set_N/), a folder of them, or a folder of such
folders. Every model is imported, every data set run with MLContext::compute, and the outputs
compared with ONNX's tolerances (|actual - expected| <= atol + rtol * |expected|). Prints one
line per failing or skipped test and ends with `N passed, N failed, N skipped`. A test is
skipped when the importer reports that the model cannot be expressed in WebNN.

Options:
  --expectations F        the expected non-passes (`<group>::<test> | skip|fail | <reason>`);
                          exit 1 on any unexpected result, an unexpected pass included
  --write-expectations F  write this run's non-passes to F in that format
  --filter S              run only the tests whose "<group>::<test>" contains S
  --executor E            direct (default) or worker
  --threads N             worker threads for --executor worker
  --rtol X, --atol X      tolerances (default 1e-3 and 1e-7, ONNX's own)
Without --expectations the exit code is 1 if any test failed.
)";

double ParseDouble(const std::string& flag, const std::string& v) {
  try {
    size_t used = 0;
    const double d = std::stod(v, &used);
    if (used == v.size()) return d;
  } catch (const std::exception&) {
  }
  throw Exception(MakeError(ErrorCode::kTypeError, flag, ": expected a number, got '", v, "'"));
}

}  // namespace

Status ParseDimOption(const std::string& value, std::map<std::string, uint32_t>& dims) {
  const size_t eq = value.find('=');
  uint32_t n = 0;
  if (eq == std::string::npos || eq == 0) {
    return MakeError(ErrorCode::kTypeError, "--dim: expected NAME=VALUE, got '", value, "'");
  }
  const char* begin = value.data() + eq + 1;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(begin, end, n);
  if (ec != std::errc() || ptr != end || n == 0) {
    return MakeError(ErrorCode::kTypeError, "--dim ", value.substr(0, eq),
                     ": expected a positive whole number, got '", value.substr(eq + 1), "'");
  }
  dims[value.substr(0, eq)] = n;
  return {};
}

std::vector<std::string> TakeDimOptions(const std::vector<std::string>& args,
                                        std::map<std::string, uint32_t>& dims) {
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] != "--dim") {
      rest.push_back(args[i]);
      continue;
    }
    if (i + 1 >= args.size()) {
      throw Exception(MakeError(ErrorCode::kTypeError, "--dim needs a value: NAME=VALUE"));
    }
    Status s = ParseDimOption(args[++i], dims);
    if (!s.ok()) throw Exception(std::move(s.error()));
  }
  return rest;
}

int OnnxReport(const fs::path& path, const std::map<std::string, uint32_t>& dims) {
  format::OnnxImportOptions options;
  options.dims = dims;
  auto problems = format::ReportOnnxFile(path, options);
  if (!problems.ok()) {
    std::cerr << "webnn: " << problems.error().ToString() << "\n";
    return 1;
  }
  for (const auto& p : *problems) {
    std::cout << p.node << " (" << p.op_type << "): " << p.reason << "\n";
  }
  std::cout << path.string() << ": " << problems->size() << " node(s) block the import\n";
  return problems->empty() ? 0 : 1;
}

int CmdOnnxOps(const std::vector<std::string>& args) {
  if (!args.empty()) {
    std::cout << "Usage: webnn onnx-ops\n\nLists the ONNX op types the importer converts (default "
                 "domain, opsets 7 and up), one a line.\n";
    return args.size() == 1 && args[0] == "--help" ? 0 : 2;
  }
  for (const std::string& op : format::OnnxSupportedOps()) std::cout << op << "\n";
  return 0;
}

int CmdOnnxConformance(const std::vector<std::string>& args) {
  if (args.empty() || std::find(args.begin(), args.end(), "--help") != args.end()) {
    std::cout << kOnnxConformanceUsage;
    return args.empty() ? 2 : 0;
  }
  std::vector<fs::path> paths;
  conformance::OnnxRunOptions options;
  std::string expectations_path, write_path;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size())
        throw Exception(MakeError(ErrorCode::kTypeError, a, " needs a value"));
      return args[++i];
    };
    if (a == "--expectations") {
      expectations_path = value();
    } else if (a == "--write-expectations") {
      write_path = value();
    } else if (a == "--filter") {
      options.filter = value();
    } else if (a == "--executor") {
      options.context.executor = value();
    } else if (a == "--threads") {
      options.context.workerThreads = static_cast<uint32_t>(ParseDouble(a, value()));
    } else if (a == "--rtol") {
      options.rtol = ParseDouble(a, value());
    } else if (a == "--atol") {
      options.atol = ParseDouble(a, value());
    } else if (a.starts_with("--")) {
      std::cerr << "webnn: unknown option " << a << " (see webnn onnx-conformance --help)\n";
      return 2;
    } else {
      paths.emplace_back(a);
    }
  }
  auto summary = conformance::RunOnnx(paths, options, std::cout);
  if (!summary.ok()) {
    std::cerr << "webnn: " << summary.error().ToString() << "\n";
    return 1;
  }
  int status = summary->failed > 0 ? 1 : 0;
  if (!write_path.empty()) {
    Status s = conformance::WriteOnnxExpectations(*summary, write_path);
    if (!s.ok()) {
      std::cerr << "webnn: " << s.error().ToString() << "\n";
      return 1;
    }
  }
  if (!expectations_path.empty()) {
    auto expectations = conformance::LoadOnnxExpectations(expectations_path);
    if (!expectations.ok()) {
      std::cerr << "webnn: " << expectations.error().ToString() << "\n";
      return 1;
    }
    if (!options.filter.empty()) {
      // Only the expectations of the tests that ran are checked.
      conformance::OnnxExpectations subset;
      for (const auto& r : summary->results) {
        if (expectations->count(r.Key())) subset[r.Key()] = expectations->at(r.Key());
      }
      *expectations = subset;
    }
    std::vector<std::string> problems = conformance::CheckOnnxExpectations(*summary, *expectations);
    for (const std::string& p : problems) std::cout << "UNEXPECTED " << p << "\n";
    std::cout << "expectations: " << expectations->size() << " known non-passes, "
              << problems.size() << " unexpected results\n";
    status = problems.empty() ? 0 : 1;
  }
  std::cout << summary->passed << " passed, " << summary->failed << " failed, " << summary->skipped
            << " skipped\n";
  return status;
}

}  // namespace webnn::cli
