// The CLI's one flag parser: each command declares its flags (name, type, default, help) and
// positional arguments; parsing, range checks, error messages and `--help` come from the
// declarations.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "webnn/error.h"

namespace webnn::cli {

class Flags {
 public:
  // `command`: "run"; `args`: "G [--input NAME=FILE]..."; `about`: the paragraph under Usage.
  Flags(std::string command, std::string args, std::string about);

  // --name VALUE (or --name=VALUE). The value's name (e.g. "FILE") appears in --help.
  Flags& String(std::string name, std::string* out, std::string value_name, std::string help);
  // One of `choices`; anything else is an error listing them.
  Flags& Choice(std::string name, std::string* out, std::vector<std::string> choices,
                std::string help);
  // A whole number in [min, max]; "3x", "-1", "1e3" and overflow are errors.
  Flags& UInt(std::string name, uint32_t* out, std::string help, uint32_t min = 0,
              uint32_t max = std::numeric_limits<uint32_t>::max());
  // A finite number in [min, max].
  Flags& Double(std::string name, double* out, std::string help, double min, double max);
  // A switch without a value.
  Flags& Bool(std::string name, bool* out, std::string help);
  // Repeatable; `add` takes each value and may refuse it.
  Flags& Repeated(std::string name, std::function<Status(const std::string&)> add,
                  std::string value_name, std::string help);
  // A one-letter alias, e.g. Alias("-c", "--concurrency").
  Flags& Alias(std::string short_name, std::string name);
  // Positional arguments: between `min` and `max` of them (their names are in `args`).
  Flags& Positionals(std::vector<std::string>* out, size_t min, size_t max);
  // The program named in the usage line before the command (default "webnn"); a program
  // without commands passes an empty command.
  Flags& Program(std::string name);
  // Text after the options in --help.
  Flags& Epilog(std::string text);

  enum class Outcome { kOk, kHelp, kUsage };
  // kHelp: --help/-h was given. kUsage: wrong count of positionals. A bad flag or value is an
  // error naming the flag (a TypeError), returned.
  Result<Outcome> Parse(const std::vector<std::string>& args);
  std::string Help() const;
  const std::string& command() const { return command_; }

  // What a program does with Parse's outcome: -1 to go on; else the exit status after printing
  // the help (0, to stdout), the usage (2) or "PROGRAM: the error" (1, to stderr).
  int Handle(const Result<Outcome>& outcome, const std::string& program) const;
  // Parse of argv[1..] and Handle, for a program's main.
  int ParseMain(int argc, char** argv);

 private:
  struct Flag {
    std::string name;
    std::string value_name;  // empty for a switch
    std::string help;
    std::string default_text;
    std::function<Status(const std::string&)> set;
  };
  Flag* Find(const std::string& name);
  // "webnn run", or the program alone.
  std::string Invocation() const;
  Flags& Add(Flag flag);

  std::string program_ = "webnn", command_, args_, about_, epilog_;
  std::vector<Flag> flags_;
  std::vector<std::pair<std::string, std::string>> aliases_;
  std::vector<std::string>* positionals_ = nullptr;
  size_t min_positionals_ = 0, max_positionals_ = 0;
};

// `text` re-flowed into lines of at most `width` columns, every line after the first indented by
// `indent` spaces (the first is assumed to start at column `indent`).
std::string WrapText(const std::string& text, size_t indent, size_t width = 96);

// Parses a whole number in [min, max] given to `flag` (also for values inside other values,
// e.g. --dim NAME=VALUE).
Result<uint64_t> ParseWhole(const std::string& flag, const std::string& text, uint64_t min,
                            uint64_t max);

}  // namespace webnn::cli
