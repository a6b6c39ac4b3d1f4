// Replays the W3C web-platform-tests WebNN conformance cases (converted to JSON, see
// tests/conformance/data/README.md) through MLGraphBuilder and compares the results with the
// cases' tolerances.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "ir/graph_info.h"
#include "webnn/error.h"
#include "webnn/webnn.h"

namespace webnn::conformance {

enum class Outcome : uint8_t { kPass, kFail, kSkip };

struct CaseResult {
  std::string file;  // file name, e.g. "conv2d.json"
  std::string name;  // the case's name
  Outcome outcome = Outcome::kFail;
  std::string reason;  // why it failed or was skipped
  std::string Key() const { return file + "::" + name; }
};

// Expected failures: "<file>::<case name>" -> reason. File format: one entry a line,
// `<file>::<case name> | <reason>`; blank lines and lines starting with '#' are ignored.
using Expectations = std::map<std::string, std::string>;
Result<Expectations> LoadExpectations(const std::filesystem::path& path);

struct RunOptions {
  MLContextOptions context;  // which executor runs the graphs
  std::string filter;        // run only cases whose "<file>::<name>" contains this
  // Also run every case in-process ("direct") and fail it unless every output is
  // bit-identical to the chosen executor's (the executors must agree bit for bit).
  bool compare_with_direct = false;
};

struct Summary {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  std::vector<CaseResult> results;
  // Counts `r`, writes "FAIL <key>: <reason>" or "SKIP <key>: <reason>" to `log` for a non-pass,
  // and keeps it.
  void Add(CaseResult r, std::ostream& log);
};

// Runs every case of every file (a folder means each *.json in it, sorted). Prints one line per
// failing case to `log` ("FAIL <file>::<name>: <reason>"); the caller prints the summary line.
Result<Summary> Run(const std::vector<std::filesystem::path>& paths, const RunOptions& options,
                    std::ostream& log);

// One case's graph, built through MLGraphBuilder exactly as Run builds it, but not run: for
// tests that need the graphs themselves (src/format/roundtrip_test.cc).
struct CaseGraph {
  std::string file;
  std::string name;
  GraphInfo graph;     // as MLGraphBuilder::build made it
  HostTensors inputs;  // the case's input values by input name
  std::string Key() const { return file + "::" + name; }
};

// Builds the graph of every case of every file (read as Run reads them) whose
// "<file>::<name>" contains `filter`. A case the builder rejects (an expected failure, an
// unsupported data type) is not returned; it goes to `not_built`, if given, with the reason.
Result<std::vector<CaseGraph>> BuildCaseGraphs(const std::vector<std::filesystem::path>& paths,
                                               const std::string& filter = "",
                                               std::vector<CaseResult>* not_built = nullptr);

// Compares results with expectations: returns the unexpected ones (a failure not listed, or a
// listed case that passed or was not found), one message each.
std::vector<std::string> CheckExpectations(const Summary& summary,
                                           const Expectations& expectations);

}  // namespace webnn::conformance
