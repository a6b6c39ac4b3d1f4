#include "format/json/json_util.h"

#include <cmath>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <utility>
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

// A container being read: its members (objects) or elements (arrays) so far. A finished value
// moves into its parent's frame; a finished container is built from its frame at once (moves
// only): nlohmann's own DOM builder inserts each member into an ordered_map as it goes, whose
// vector of pair<const string, json> copies every member deeply when it grows and searches
// every key linearly on insertion.
struct Frame {
  bool is_array = false;
  std::vector<Json> elements;                         // arrays
  std::vector<std::pair<std::string, Json>> members;  // objects; the last one is being read
  std::unordered_set<std::string> keys;               // objects: the duplicate check
};

std::string PathOf(const std::vector<Frame>& stack, size_t depth) {
  // The location of the container at `depth`: walk the positions in the ones around it.
  std::string path;
  for (size_t i = 0; i < depth; ++i) {
    const Frame& f = stack[i];
    path = f.is_array ? Index(path, f.elements.size()) : Member(path, f.members.back().first);
  }
  return path;
}

// nlohmann's SAX interface: builds the document while checking nesting depth and duplicate
// keys, and records the first error instead of throwing (exceptions are slow, under
// AddressSanitizer much more so, and most untrusted text that fails fails here).
class StrictBuilder {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  bool null() { return Add(Json(nullptr)); }
  bool boolean(bool v) { return Add(Json(v)); }
  bool number_integer(number_integer_t v) { return Add(Json(v)); }
  bool number_unsigned(number_unsigned_t v) { return Add(Json(v)); }
  bool number_float(number_float_t v, const string_t& /*text*/) { return Add(Json(v)); }
  bool string(string_t& v) { return Add(Json(std::move(v))); }
  bool binary(binary_t& /*v*/) { return Fail("binary values are not JSON"); }  // not in text

  bool start_object(std::size_t /*elements*/) { return Open(false); }
  bool start_array(std::size_t /*elements*/) { return Open(true); }
  bool key(string_t& key) {
    Frame& f = stack_[depth_ - 1];
    if (!f.keys.insert(key).second) {
      return Fail(Member(PathOf(stack_, depth_ - 1), key) + ": duplicate key");
    }
    f.members.emplace_back(std::move(key), Json());
    return true;
  }
  bool end_object() {
    Json value(Json::value_t::object);
    auto& members = static_cast<Json::object_t::Container&>(value.get_ref<Json::object_t&>());
    Frame& f = stack_[depth_ - 1];
    members.reserve(f.members.size());
    // The keys are distinct (checked in key()): no search on insertion.
    for (auto& [k, v] : f.members) members.emplace_back(std::move(k), std::move(v));
    return Close(std::move(value));
  }
  bool end_array() {
    Json value(Json::value_t::array);
    value.get_ref<Json::array_t&>() = std::move(stack_[depth_ - 1].elements);
    return Close(std::move(value));
  }

  template <typename Exception>
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const Exception& e) {
    std::string_view msg = e.what();
    if (size_t pos = msg.find("] "); pos != std::string_view::npos) msg.remove_prefix(pos + 2);
    if constexpr (std::is_same_v<Exception, Json::parse_error>) {
      error_ = DescribeSyntaxError(msg, e.byte);
    } else {
      error_ = "invalid JSON: " + std::string(msg);
    }
    return false;
  }

  // The document, or the error (without the "what: " that ParseStrict puts first).
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  Json TakeRoot() { return std::move(root_); }

 private:
  // stack_[0, depth_) are the open containers, outermost first; the frames above stay, empty,
  // so the next container at that depth reuses their vectors' room.
  bool Open(bool is_array) {
    if (depth_ >= kMaxJsonDepth) {
      return Fail(std::string(ShowPath(PathOf(stack_, depth_))) + ": nesting deeper than " +
                  std::to_string(kMaxJsonDepth) + " levels");
    }
    if (depth_ == stack_.size()) stack_.emplace_back();
    stack_[depth_++].is_array = is_array;
    return true;
  }
  bool Close(Json value) {
    Frame& f = stack_[--depth_];
    f.elements.clear();
    f.members.clear();
    f.keys.clear();
    return Add(std::move(value));
  }
  bool Add(Json value) {
    if (depth_ == 0) {
      root_ = std::move(value);
    } else if (Frame& f = stack_[depth_ - 1]; f.is_array) {
      f.elements.push_back(std::move(value));
    } else {
      f.members.back().second = std::move(value);
    }
    return true;
  }
  bool Fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  // "[json.exception.parse_error.101] parse error at line 13, column 78: syntax error while
  // parsing object key - invalid string: missing closing quote; last read: '"kind'; expected
  // string literal" (without the bracket): keep the place and the reason, in our words.
  static std::string DescribeSyntaxError(std::string_view msg, size_t byte) {
    std::string where = "byte " + std::to_string(byte);
    if (msg.starts_with("parse error at ")) {
      const size_t colon = msg.find(": ");
      if (colon != std::string_view::npos) {
        where = std::string(msg.substr(15, colon - 15)) + " (byte " + std::to_string(byte) + ")";
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
    return "invalid JSON at " + where + ": " + reason +
           (context.empty() ? "" : " (in " + std::string(context) + ")");
  }

  std::vector<Frame> stack_;
  size_t depth_ = 0;
  Json root_;
  std::string error_;
};

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
  StrictBuilder builder;
  bool ok = false;
  try {
    ok = Json::sax_parse(text.begin(), text.end(), &builder, Json::input_format_t::json,
                         /*strict=*/true, /*ignore_comments=*/false);
  } catch (const Json::exception& e) {
    std::string_view msg = e.what();
    if (size_t pos = msg.find("] "); pos != std::string_view::npos) msg.remove_prefix(pos + 2);
    return MakeError(ErrorCode::kDataError, what, ": invalid JSON: ", msg);
  }
  if (!ok || builder.failed()) {
    return MakeError(ErrorCode::kDataError, what, ": ",
                     builder.failed() ? builder.error() : std::string("invalid JSON"));
  }
  return builder.TakeRoot();
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
