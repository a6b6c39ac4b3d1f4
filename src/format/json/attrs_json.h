// Operator attributes <-> the `options` object of a webnn-graph-json node, for every attribute
// struct, through VisitFields (no per-op code). Field names are the spec's member names.
//
// JSON forms of the field types:
//   bool                      true / false
//   uint32_t, int32_t         an integer (an integral number such as 2.0 is accepted)
//   double, float             a number, or the strings "NaN", "Infinity", "-Infinity"
//   DataType, spec enums      the spec's string ("float32", "nchw", "nearest-neighbor")
//   std::vector<T>            an array of T
//   std::optional<T>          T; absent or null means "not given"
//   MLNumber                  a number (a double), "NaN" / "Infinity" / "-Infinity", or a
//                             decimal integer string: a bigint kept exact (int64, or uint64
//                             above INT64_MAX)
//   SplitSpec                 an unsigned integer (a count) or an array of them (sizes)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ops/op_info.h"
#include "webnn/attrs.h"
#include "webnn/error.h"

namespace webnn {

struct AttrsJsonOptions {
  // Keys of `options` that are not attributes and are read by the caller: the op's
  // operand-valued options (bias, c, ...) and "label". They are skipped, not reported as
  // unknown, and listed among the known options in the error for an unknown key.
  std::vector<std::string> skip_keys;
};

// Reads the attributes of an op of kind `kind` from its options object (a JSON object, or null
// for "no options"). `path` is the options' JSON path for messages ("nodes[3].options").
// Errors are DataErrors naming the path and the problem:
//   nodes[3].options.strides: expected an array of unsigned integers, got "2"
//   nodes[3].options: missing required option 'axis'
//   nodes[3].options.foo: unknown option of conv2d (known: padding, strides, ...)
Result<Attrs> AttrsFromJson(OpKind kind, const nlohmann::ordered_json& options,
                            std::string_view path, const AttrsJsonOptions& opts = {});

// The options object of `attrs`: required fields always, optional fields only when they differ
// from the attribute struct's default, in spec order. AttrsFromJson(AttrsToJson(a)) == a.
nlohmann::ordered_json AttrsToJson(const Attrs& attrs);

// Field codecs, also used for the scalar initializer of constants.
Result<MLNumber> MLNumberFromJson(const nlohmann::ordered_json& value, std::string_view path);
nlohmann::ordered_json MLNumberToJson(const MLNumber& n);

}  // namespace webnn
