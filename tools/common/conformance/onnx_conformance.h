// Runs the ONNX project's backend tests (libonnx-testdata: a folder per test with model.onnx and
// test_data_set_N/{input,output}_K.pb) through the ONNX importer and MLContext::compute, and
// compares with ONNX's own tolerances (rtol 1e-3, atol 1e-7).
#pragma once

#include <filesystem>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "conformance/conformance.h"
#include "webnn/error.h"
#include "webnn/webnn.h"

namespace webnn::conformance {

struct OnnxRunOptions {
  MLContextOptions context;
  std::string filter;  // run only the tests whose "<group>::<test>" contains this
  double rtol = 1e-3;
  double atol = 1e-7;
};

// A test's outcome: pass; skip (the importer says the model cannot be expressed in WebNN: a
// NotSupportedError, such as a float64 or string type, an op with no WebNN equivalent); fail
// (any other import error, a compute error, or outputs out of tolerance). Each test is
// "<group>::<test>", the group being the test folder's parent ("node", "simple", ...).
// Prints FAIL/SKIP lines and, for tests over 2 s, SLOW lines to `log`.
Result<Summary> RunOnnx(const std::vector<std::filesystem::path>& paths,
                        const OnnxRunOptions& options, std::ostream& log);

// Expected non-passes, one a line: `<group>::<test> | skip|fail | <reason>`; '#' comments.
struct OnnxExpectation {
  Outcome outcome = Outcome::kFail;
  std::string reason;
};
using OnnxExpectations = std::map<std::string, OnnxExpectation>;
Result<OnnxExpectations> LoadOnnxExpectations(const std::filesystem::path& path);
// Writes every non-pass of `summary` as an expectations file (reasons from the results).
Status WriteOnnxExpectations(const Summary& summary, const std::filesystem::path& path);
// The unexpected results: a non-pass not listed or listed with the other status, a listed
// test that passed or did not run.
std::vector<std::string> CheckOnnxExpectations(const Summary& summary,
                                               const OnnxExpectations& expectations);

}  // namespace webnn::conformance
