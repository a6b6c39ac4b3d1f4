// Internal helpers of the webnn-graph-json reader and writer: JSON paths for error messages,
// short renderings of untrusted values, a strict parser (syntax, duplicate keys, nesting depth)
// and a compact writer in the style of Python's json.dumps (", " and ": " separators).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "webnn/error.h"

namespace webnn::json_util {

using Json = nlohmann::ordered_json;

// Deeper documents are rejected before anything recursive touches them: every recursive walk
// of a parsed value (Describe, comparisons, the destructor) stays within this depth.
inline constexpr size_t kMaxJsonDepth = 64;

// Path of a member or element, for messages: Member("nodes[3]", "options") is
// "nodes[3].options"; names that are not identifiers are quoted: consts["conv.1"].
std::string Member(std::string_view path, std::string_view key);
std::string Index(std::string_view path, size_t index);
// The path as it starts a message ("document" for the root).
std::string_view ShowPath(std::string_view path);

// A name quoted for a message: 'conv1' (control characters escaped, long names shortened).
std::string Quote(std::string_view name);

// A short rendering of an untrusted value for "got ..." in messages: "2", -1, [1, 2, ...].
std::string Describe(const Json& value);

// An unsigned integer <= max; integral floats such as 2.0 are accepted. Errors:
// "expected an unsigned integer, got -1", "4294967296 is out of range (0 to 4294967295)".
Status ParseUnsigned(const Json& value, std::string_view path, uint64_t max, uint64_t& out);

// Parses `text` as one JSON document. Errors are DataErrors starting with `what` (a file name
// or "json"): a syntax error with its byte offset, a duplicate object key with its path, or
// nesting deeper than kMaxJsonDepth.
Result<Json> ParseStrict(std::string_view text, std::string_view what);

// Appends `value` as compact JSON with ", " and ": " separators. Strings that are not valid
// UTF-8 get U+FFFD replacements; non-finite doubles are written as null (callers write them as
// strings before getting here).
void WriteCompact(const Json& value, std::string& out);
std::string Compact(const Json& value);

// A DataError whose message starts with the path: "nodes[3].inputs: expected an array".
template <typename... Args>
Error PathError(std::string_view path, const Args&... args) {
  return MakeError(ErrorCode::kDataError, ShowPath(path), ": ", args...);
}

}  // namespace webnn::json_util
