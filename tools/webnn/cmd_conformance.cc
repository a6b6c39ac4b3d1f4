// webnn conformance DIR_OR_FILE...: replays the WebNN conformance vectors.
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "common.h"
#include "conformance/conformance.h"

namespace webnn::cli {

int CmdConformance(const std::vector<std::string>& args) {
  std::vector<std::string> paths;
  conformance::RunOptions options;
  std::string expectations_path;
  Flags flags("conformance", "DIR_OR_FILE... [options]",
              "Replays the W3C WebNN conformance vectors (JSON, see "
              "tests/conformance/data/README.md) through\nthe graph builder and compares each "
              "output with the case's tolerance. Prints one line per\nfailing case and ends with "
              "`N passed, N failed, N skipped`.");
  flags
      .String("--expectations", &expectations_path, "F",
              "known failures (`<file>::<case> | <reason>` per line); exit 1 on any unexpected "
              "result (a failure not listed, or a listed case that passes)")
      .String("--filter", &options.filter, "S",
              "run only the cases whose \"<file>::<name>\" "
              "contains S")
      .Bool("--compare-direct", &options.compare_with_direct,
            "also run each case in-process and fail it unless the executor's outputs are "
            "bit-identical");
  AddContextFlags(flags, options.context);
  flags.Positionals(&paths, 1, SIZE_MAX)
      .Epilog("Without --expectations the exit code is 1 if any case failed.\n");
  if (int rc = HandleParse(flags, flags.Parse(args)); rc >= 0) return rc;
  const std::vector<std::filesystem::path> inputs(paths.begin(), paths.end());
  auto summary = conformance::Run(inputs, options, std::cout);
  if (!summary.ok()) return Fail(summary.error().ToString());
  int status = summary->failed > 0 ? 1 : 0;
  if (!expectations_path.empty()) {
    auto expectations = conformance::LoadExpectations(expectations_path);
    if (!expectations.ok()) return Fail(expectations.error().ToString());
    if (!options.filter.empty()) {
      // Only the expectations of the cases that ran are checked.
      conformance::Expectations subset;
      for (const auto& r : summary->results) {
        if (expectations->count(r.Key())) subset[r.Key()] = expectations->at(r.Key());
      }
      *expectations = subset;
    }
    std::vector<std::string> problems = conformance::CheckExpectations(*summary, *expectations);
    for (const std::string& p : problems) std::cout << "UNEXPECTED " << p << "\n";
    std::cout << "expectations: " << expectations->size() << " known failures, " << problems.size()
              << " unexpected results\n";
    status = problems.empty() ? 0 : 1;
  }
  std::cout << summary->passed << " passed, " << summary->failed << " failed, " << summary->skipped
            << " skipped\n";
  return status;
}

}  // namespace webnn::cli
