// webnn dot G [--svg OUT]: the graph in Graphviz dot syntax, each operation with its attributes
// and constant operands' shapes; --svg renders it with Graphviz's `dot`.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "common.h"
#include "format/json/attrs_json.h"
#include "format/json/json_util.h"
#include "ops/op_info.h"

extern char** environ;

namespace webnn::cli {

namespace {

std::string Quote(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q += '\\';
    if (c == '\n') {
      q += "\\l";  // a left-justified line break
      continue;
    }
    q += c;
  }
  return q + "\"";
}

std::string ShapeText(const std::vector<uint32_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// An operation's box: its op name and label, its attributes (the non-default ones a file would
// hold), and each constant operand with its shape (a conv2d's filter shows the kernel size).
std::string OperationLabel(const GraphInfo& g, const Operation& op) {
  std::string label(OpName(op.kind));
  if (!op.label.empty()) label += " '" + op.label + "'";
  label += "\n";
  const nlohmann::ordered_json attrs = AttrsToJson(op.attrs);
  if (attrs.is_object()) {
    for (const auto& [key, value] : attrs.items()) {
      label += key + ": " + json_util::Compact(value) + "\n";
    }
  }
  const OpInfo& info = GetOpInfo(op.kind);
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const OperandId id = op.inputs[i];
    if (id == kNoOperand || g.operands[id].kind != OperandKind::kConstant) continue;
    const std::string slot =
        i < info.inputs.size() ? std::string(info.inputs[i].name) : "input " + std::to_string(i);
    label += slot + ": const " + std::string(DataTypeName(g.operands[id].desc.dataType)) + " " +
             ShapeText(g.operands[id].desc.shape) + "\n";
  }
  return label;
}

std::string DotText(const GraphInfo& g) {
  std::ostringstream o;
  o << "digraph webnn {\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10];\n";
  for (OperandId id : g.inputs) {
    o << "  v" << id << " [shape=ellipse, label="
      << Quote(g.operands[id].name + "\n" + DescriptorToString(g.operands[id].desc)) << "];\n";
  }
  for (size_t i = 0; i < g.operations.size(); ++i) {
    const Operation& op = g.operations[i];
    o << "  op" << i << " [shape=box, style=rounded, label=" << Quote(OperationLabel(g, op))
      << "];\n";
    for (OperandId in : op.inputs) {
      if (in == kNoOperand || g.operands[in].kind == OperandKind::kConstant) continue;
      o << "  v" << in << " -> op" << i << ";\n";
    }
    for (OperandId out : op.outputs) {
      o << "  op" << i << " -> v" << out << " [arrowhead=none];\n";
      o << "  v" << out
        << " [shape=point, xlabel=" << Quote(DescriptorToString(g.operands[out].desc)) << "];\n";
    }
  }
  for (const GraphOutput& out : g.outputs) {
    o << "  out_" << out.operand << " [shape=ellipse, style=bold, label=" << Quote(out.name)
      << "];\n  v" << out.operand << " -> out_" << out.operand << ";\n";
  }
  o << "}\n";
  return o.str();
}

// Runs `dot -Tsvg -o OUT` with `text` on its standard input.
Status RenderSvg(const std::string& text, const std::string& out) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return MakeError(ErrorCode::kUnknownError, "pipe: ", std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
  std::vector<std::string> argv_s = {"dot", "-Tsvg", "-o", out};
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "dot", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[0]);
  if (rc != 0) {
    close(fds[1]);
    return MakeError(ErrorCode::kNotSupportedError, "--svg needs Graphviz's `dot` (",
                     std::strerror(rc), "; on Debian: apt-get install graphviz)");
  }
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = write(fds[1], text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  close(fds[1]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || written != text.size()) {
    return MakeError(ErrorCode::kUnknownError, "dot could not write ", out,
                     " (see its message above)");
  }
  return {};
}

}  // namespace

int CmdDot(const std::vector<std::string>& args) {
  format::GraphFileOptions file_options;
  std::vector<std::string> paths;
  std::string svg;
  Flags flags("dot", "G [--svg OUT] [--dim NAME=VALUE]...",
              "Prints the graph in Graphviz dot syntax: each operation with its attributes and "
              "the shapes of its constant operands, each value with its type and shape.");
  flags.String("--svg", &svg, "OUT", "render to an SVG file with Graphviz's dot instead");
  AddDimFlag(flags, file_options.dims);
  flags.Positionals(&paths, 1, 1);
  if (int rc = HandleParse(flags, flags.Parse(args)); rc >= 0) return rc;
  const std::string text = DotText(LoadOrThrow(paths[0], file_options));
  if (svg.empty()) {
    std::cout << text;
    return 0;
  }
  Status s = RenderSvg(text, svg);
  if (!s.ok()) return Fail(s.error().ToString());
  std::cout << paths[0] << " -> " << svg << "\n";
  return 0;
}

}  // namespace webnn::cli
