// What several CLI commands share: the command table entry, graph loading, input reading,
// executor flags, timing summaries and output summaries.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "util/flags.h"
#include "format/graph_file.h"
#include "webnn/webnn.h"

namespace webnn::cli {

// One `webnn` command: its name, a one-line summary for `webnn --help`, and its entry point
// (the arguments after the command name). Exit status: 0 ok, 1 failure, 2 usage.
struct Command {
  std::string name;
  std::string synopsis;  // e.g. "run G [options]"
  std::string summary;
  std::function<int(const std::vector<std::string>&)> run;
};

// The command table, in the order `webnn --help` lists it (commands.cc).
std::vector<Command> Commands();

// Prints "webnn: MESSAGE" on stderr; returns 1.
int Fail(const std::string& message);
// Handles Flags::Parse's result: -1 to go on, else the exit status (help printed on stdout,
// usage on stderr, a bad flag as an error).
int HandleParse(const Flags& flags, const Result<Flags::Outcome>& outcome);

// --executor/--endpoint/--token-file/--backend/--threads/--workers into `options`.
void AddContextFlags(Flags& flags, MLContextOptions& options);
// --dim NAME=VALUE (repeatable) into `dims`.
void AddDimFlag(Flags& flags, std::map<std::string, uint32_t>& dims);

GraphInfo LoadOrThrow(const std::string& path, const format::GraphFileOptions& options = {});

// Reads --input NAME=FILE (a .npy array, or a PNG/JPEG image for an image-shaped float32
// input) into a host tensor matching the graph input's descriptor.
HostTensor ReadInput(const std::string& file, const OperandDescriptor& want,
                     const std::string& name, const std::string& normalize);
// The graph's inputs read from `files` (NAME -> FILE); an input without a file, or a file
// naming no input, is an error naming it and the graph's inputs.
HostTensors ReadInputs(const std::map<std::string, OperandDescriptor>& wanted,
                       const std::map<std::string, std::string>& files,
                       const std::string& normalize);
// Parses one --input NAME=FILE into `files`.
Status ParseInputFlag(const std::string& value, std::map<std::string, std::string>& files);

double MsSince(std::chrono::steady_clock::time_point start);

struct Timing {
  double min_ms = 0, median_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0, mean_ms = 0;
};
// Nearest-rank percentiles of `ms` (not empty).
Timing Summarize(std::vector<double> ms);

}  // namespace webnn::cli
