#include "util/flags.h"

#include <charconv>
#include <cmath>
#include <iostream>
#include <sstream>

namespace webnn::cli {

namespace {

std::string JoinChoices(const std::vector<std::string>& choices) {
  std::string s;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) s += i + 1 == choices.size() ? " or " : ", ";
    s += choices[i];
  }
  return s;
}

std::string NumberText(double d) {
  std::ostringstream o;
  o << d;
  return o.str();
}

}  // namespace

Result<uint64_t> ParseWhole(const std::string& flag, const std::string& text, uint64_t min,
                            uint64_t max) {
  uint64_t n = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && ptr == end && n > max)) {
    return MakeError(ErrorCode::kTypeError, flag, ": ", text, " is out of range (at most ", max,
                     ")");
  }
  if (ec != std::errc() || ptr != end || text.empty()) {
    return MakeError(ErrorCode::kTypeError, flag, ": expected a whole number, got '", text, "'");
  }
  if (n < min) {
    return MakeError(ErrorCode::kTypeError, flag, ": ", text, " is out of range (at least ", min,
                     ")");
  }
  return n;
}

std::string WrapText(const std::string& text, size_t indent, size_t width) {
  std::ostringstream o;
  size_t col = indent;
  std::istringstream words(text);
  std::string w;
  bool first = true;
  while (words >> w) {
    if (!first && col + 1 + w.size() > width) {
      o << "\n" << std::string(indent, ' ');
      col = indent;
      first = true;
    }
    o << (first ? "" : " ") << w;
    col += w.size() + (first ? 0 : 1);
    first = false;
  }
  return o.str();
}

Flags::Flags(std::string command, std::string args, std::string about)
    : command_(std::move(command)), args_(std::move(args)), about_(std::move(about)) {}

Flags& Flags::Add(Flag flag) {
  flags_.push_back(std::move(flag));
  return *this;
}

Flags& Flags::String(std::string name, std::string* out, std::string value_name, std::string help) {
  std::string def = out->empty() ? "" : *out;
  return Add({std::move(name), std::move(value_name), std::move(help), def,
              [out](const std::string& v) -> Status {
                *out = v;
                return {};
              }});
}

Flags& Flags::Choice(std::string name, std::string* out, std::vector<std::string> choices,
                     std::string help) {
  std::string value_name;
  for (const std::string& c : choices) value_name += (value_name.empty() ? "" : "|") + c;
  std::string def = *out;
  return Add({name, value_name, std::move(help), def,
              [name, out, choices](const std::string& v) -> Status {
                for (const std::string& c : choices) {
                  if (c == v) {
                    *out = v;
                    return {};
                  }
                }
                return MakeError(ErrorCode::kTypeError, name, " must be ", JoinChoices(choices),
                                 ", got '", v, "'");
              }});
}

Flags& Flags::UInt(std::string name, uint32_t* out, std::string help, uint32_t min, uint32_t max) {
  std::string def = std::to_string(*out);
  return Add({name, "N", std::move(help), def, [name, out, min, max](const std::string& v) {
                auto n = ParseWhole(name, v, min, max);
                if (!n.ok()) return Status(std::move(n.error()));
                *out = static_cast<uint32_t>(*n);
                return Status{};
              }});
}

Flags& Flags::Double(std::string name, double* out, std::string help, double min, double max) {
  std::string def = *out == 0 ? "" : NumberText(*out);
  return Add({name, "X", std::move(help), def, [name, out, min, max](const std::string& v) {
                double d = 0;
                const char* end = v.data() + v.size();
                auto [ptr, ec] = std::from_chars(v.data(), end, d);
                if (ec != std::errc() || ptr != end || !std::isfinite(d)) {
                  return Status(
                      MakeError(ErrorCode::kTypeError, name, ": expected a number, got '", v, "'"));
                }
                if (d < min || d > max) {
                  return Status(MakeError(ErrorCode::kTypeError, name, ": ", v,
                                          " is out of range [", NumberText(min), ", ",
                                          NumberText(max), "]"));
                }
                *out = d;
                return Status{};
              }});
}

Flags& Flags::Bool(std::string name, bool* out, std::string help) {
  return Add({std::move(name), "", std::move(help), "", [out](const std::string&) {
                *out = true;
                return Status{};
              }});
}

Flags& Flags::Repeated(std::string name, std::function<Status(const std::string&)> add,
                       std::string value_name, std::string help) {
  return Add({std::move(name), std::move(value_name), std::move(help) + " (repeatable)", "",
              std::move(add)});
}

Flags& Flags::Alias(std::string short_name, std::string name) {
  aliases_.emplace_back(std::move(short_name), std::move(name));
  return *this;
}

Flags& Flags::Positionals(std::vector<std::string>* out, size_t min, size_t max) {
  positionals_ = out;
  min_positionals_ = min;
  max_positionals_ = max;
  return *this;
}

Flags& Flags::Epilog(std::string text) {
  epilog_ = std::move(text);
  return *this;
}

Flags::Flag* Flags::Find(const std::string& name) {
  std::string full = name;
  for (const auto& [s, l] : aliases_) {
    if (s == name) full = l;
  }
  for (Flag& f : flags_) {
    if (f.name == full) return &f;
  }
  return nullptr;
}

Result<Flags::Outcome> Flags::Parse(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--") break;
    if (a == "--help" || a == "-h") return Outcome::kHelp;
  }
  bool only_positionals = false;
  size_t positionals = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_positionals || a.size() < 2 || a[0] != '-' ||
        (a[1] != '-' && !std::isalpha(static_cast<unsigned char>(a[1])))) {
      if (!positionals_ || positionals >= max_positionals_) {
        return MakeError(ErrorCode::kTypeError, "unexpected argument '", a, "' (see ", Invocation(),
                         " --help)");
      }
      positionals_->push_back(a);
      ++positionals;
      continue;
    }
    if (a == "--") {
      only_positionals = true;
      continue;
    }
    const size_t eq = a.find('=');
    const std::string name = eq == std::string::npos ? a : a.substr(0, eq);
    Flag* flag = Find(name);
    if (!flag) {
      return MakeError(ErrorCode::kTypeError, "unknown option ", name, " (see ", Invocation(),
                       " --help)");
    }
    std::string value;
    if (flag->value_name.empty()) {
      if (eq != std::string::npos) {
        return MakeError(ErrorCode::kTypeError, name, " takes no value");
      }
    } else if (eq != std::string::npos) {
      value = a.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return MakeError(ErrorCode::kTypeError, name, " needs a value: ", flag->value_name);
    }
    WEBNN_RETURN_IF_ERROR(flag->set(value));
  }
  if (positionals < min_positionals_) return Outcome::kUsage;
  return Outcome::kOk;
}

std::string Flags::Help() const {
  std::ostringstream o;
  o << "Usage: " << Invocation() << (args_.empty() ? "" : " ") << args_ << "\n\n" << about_ << "\n";
  if (!flags_.empty()) {
    o << "\nOptions:\n";
    for (const Flag& f : flags_) {
      std::string head = "  ";
      for (const auto& [s, l] : aliases_) {
        if (l == f.name) head += s + ", ";
      }
      head += f.name;
      if (!f.value_name.empty()) head += " " + f.value_name;
      std::string help = f.help;
      if (!f.default_text.empty() && help.find("default") == std::string::npos) {
        help += " (default " + f.default_text + ")";
      }
      constexpr size_t kColumn = 24;
      if (head.size() + 2 > kColumn) {
        o << head << "\n" << std::string(kColumn, ' ');
      } else {
        o << head << std::string(kColumn - head.size(), ' ');
      }
      o << WrapText(help, kColumn) << "\n";
    }
    o << "  -h, --help            this help\n";
  }
  if (!epilog_.empty()) o << "\n" << epilog_;
  if (!epilog_.empty() && epilog_.back() != '\n') o << "\n";
  return o.str();
}

int Flags::Handle(const Result<Outcome>& outcome, const std::string& program) const {
  if (!outcome.ok()) {
    std::cerr << program << ": " << outcome.error().message() << "\n";
    return 1;
  }
  switch (*outcome) {
    case Outcome::kOk:
      return -1;
    case Outcome::kHelp:
      std::cout << Help();
      return 0;
    case Outcome::kUsage:
      std::cerr << Help();
      return 2;
  }
  return 2;
}

int Flags::ParseMain(int argc, char** argv) {
  return Handle(Parse(std::vector<std::string>(argv + 1, argv + argc)), program_);
}

std::string Flags::Invocation() const {
  return command_.empty() ? program_ : program_ + " " + command_;
}

Flags& Flags::Program(std::string name) {
  program_ = std::move(name);
  return *this;
}

}  // namespace webnn::cli
