#include "format/json/json_util.h"

#include <cmath>
#include <unordered_set>
#include <vector>

namespace webnn::json_util {
namespace {

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

std::string DumpString(std::string_view s) {
  return Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

constexpr size_t kDescribeBudget = 60;

void DescribeInto(const Json& v, std::string& out) {
  if (out.size() > kDescribeBudget) return;
  switch (v.type()) {
    case Json::value_t::string: {
      const std::string& s = v.get_ref<const std::string&>();
      if (s.size() > 40) {
        out += DumpString(s.substr(0, 40));
        out.insert(out.size() - 1, "...");
      } else {
        out += DumpString(s);
      }
      return;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& e : v) {
        if (!first) out += ", ";
        first = false;
        if (out.size() > kDescribeBudget) {
          out += "...";
          break;
        }
        DescribeInto(e, out);
      }
      out += ']';
      return;
    }
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.items()) {
        if (!first) out += ", ";
        first = false;
        if (out.size() > kDescribeBudget) {
          out += "...";
          break;
        }
        out += DumpString(k);
        out += ": ";
        DescribeInto(e, out);
      }
      out += '}';
      return;
    }
    case Json::value_t::discarded:
      out += "nothing";
      return;
    default:
      out += v.dump();
      return;
  }
}

// Thrown from the parser callback to stop parsing; caught in ParseStrict.
struct ParseAbort {
  std::string message;
};

struct Frame {
  bool is_array = false;
  size_t index = 0;  // arrays: the index of the next element
  std::string key;   // objects: the key of the member being read
  std::unordered_set<std::string> keys;
};

std::string PathOf(const std::vector<Frame>& stack, size_t depth) {
  // The location of stack[depth]: walk the parents' positions.
  std::string path;
  for (size_t i = 0; i < depth; ++i) {
    const Frame& f = stack[i];
    path = f.is_array ? Index(path, f.index) : Member(path, f.key);
  }
  return path;
}

}  // namespace

std::string Member(std::string_view path, std::string_view key) {
  std::string out(path);
  if (IsIdentifier(key)) {
    if (!out.empty()) out += '.';
    out += key;
  } else {
    out += '[';
    out += DumpString(key);
    out += ']';
  }
  return out;
}

std::string Index(std::string_view path, size_t index) {
  std::string out(path);
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

std::string_view ShowPath(std::string_view path) { return path.empty() ? "document" : path; }

std::string Quote(std::string_view name) {
  std::string out = "'";
  size_t n = 0;
  for (char c : name) {
    if (++n > 80) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  out += "'";
  return out;
}

Status ParseUnsigned(const Json& v, std::string_view path, uint64_t max, uint64_t& out) {
  if (v.is_number_unsigned()) {
    out = v.get<uint64_t>();
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    // 2^64 is exactly representable; every double below it that is integral converts exactly.
    if (!std::isfinite(d) || d < 0 || d != std::floor(d)) {
      return PathError(path, "expected an unsigned integer, got ", Describe(v));
    }
    if (d >= 18446744073709551616.0 || d > static_cast<double>(max)) {
      return PathError(path, Describe(v), " is out of range (0 to ", max, ")");
    }
    out = static_cast<uint64_t>(d);
  } else {
    return PathError(path, "expected an unsigned integer, got ", Describe(v));
  }
  if (out > max) return PathError(path, Describe(v), " is out of range (0 to ", max, ")");
  return {};
}

std::string Describe(const Json& value) {
  std::string out;
  DescribeInto(value, out);
  return out;
}

Result<Json> ParseStrict(std::string_view text, std::string_view what) {
  std::vector<Frame> stack;
  auto callback = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) -> bool {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        if (stack.size() >= kMaxJsonDepth) {
          throw ParseAbort{std::string(ShowPath(PathOf(stack, stack.size()))) +
                           ": nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
        }
        stack.push_back(Frame{event == Json::parse_event_t::array_start, 0, {}, {}});
        break;
      case Json::parse_event_t::key: {
        Frame& f = stack.back();
        std::string key = parsed.get<std::string>();
        if (!f.keys.insert(key).second) {
          throw ParseAbort{Member(PathOf(stack, stack.size() - 1), key) + ": duplicate key"};
        }
        f.key = std::move(key);
        break;
      }
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        stack.pop_back();
        if (!stack.empty() && stack.back().is_array) ++stack.back().index;
        break;
      case Json::parse_event_t::value:
        if (!stack.empty() && stack.back().is_array) ++stack.back().index;
        break;
    }
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true,
                       /*ignore_comments=*/false);
  } catch (const ParseAbort& abort) {
    return MakeError(ErrorCode::kDataError, what, ": ", abort.message);
  } catch (const Json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 13, column 78: syntax
    // error while parsing object key - invalid string: missing closing quote; last read:
    // '"kind'; expected string literal": keep the place and the reason, in our words.
    std::string_view msg = e.what();
    if (size_t pos = msg.find("] "); pos != std::string_view::npos) msg.remove_prefix(pos + 2);
    std::string where = "byte " + std::to_string(e.byte);
    if (msg.starts_with("parse error at ")) {
      const size_t colon = msg.find(": ");
      if (colon != std::string_view::npos) {
        where = std::string(msg.substr(15, colon - 15)) + " (byte " + std::to_string(e.byte) + ")";
        msg.remove_prefix(colon + 2);
      }
    }
    std::string_view context;
    if (msg.starts_with("syntax error while parsing ")) {
      const size_t dash = msg.find(" - ");
      if (dash != std::string_view::npos) {
        context = msg.substr(27, dash - 27);
        msg.remove_prefix(dash + 3);
      }
    }
    if (size_t semi = msg.find("; last read"); semi != std::string_view::npos) {
      msg = msg.substr(0, semi);
    }
    std::string reason(msg);
    if (reason.find("unexpected end of input") != std::string::npos) {
      reason = "the text ends early (a truncated file?)";
      context = {};
    }
    return MakeError(ErrorCode::kDataError, what, ": invalid JSON at ", where, ": ", reason,
                     context.empty() ? "" : " (in " + std::string(context) + ")");
  } catch (const Json::exception& e) {
    std::string_view msg = e.what();
    if (size_t pos = msg.find("] "); pos != std::string_view::npos) msg.remove_prefix(pos + 2);
    return MakeError(ErrorCode::kDataError, what, ": invalid JSON: ", msg);
  }
}

void WriteCompact(const Json& value, std::string& out) {
  switch (value.type()) {
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& e : value) {
        if (!first) out += ", ";
        first = false;
        WriteCompact(e, out);
      }
      out += ']';
      return;
    }
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : value.items()) {
        if (!first) out += ", ";
        first = false;
        out += DumpString(k);
        out += ": ";
        WriteCompact(e, out);
      }
      out += '}';
      return;
    }
    default:
      out += value.dump(-1, ' ', false, Json::error_handler_t::replace);
      return;
  }
}

std::string Compact(const Json& value) {
  std::string out;
  WriteCompact(value, out);
  return out;
}

}  // namespace webnn::json_util
