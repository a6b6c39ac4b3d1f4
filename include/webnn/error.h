// Errors: a typed error kind that mirrors the exceptions the WebNN spec throws, and a message
// that names what went wrong (op, label, operand, expected vs. got).
#pragma once

#include <cassert>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <variant>

namespace webnn {

// The spec's error kinds (https://webidl.spec.whatwg.org/#idl-exceptions).
enum class ErrorCode : uint8_t {
  kTypeError,          // a bad argument: wrong data type, shape, option value
  kInvalidStateError,  // using a destroyed/built/lost object
  kNotSupportedError,  // valid per spec but not supported by this context
  kDataError,          // malformed data: a file, a message, a buffer of the wrong size
  kOperationError,     // a failure while executing
  kUnknownError,       // I/O and everything else
};

std::string_view ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "TypeError: conv2d 'stem': ..."
  std::string ToString() const;
  // Prepends context: "nodes[3]: " + message.
  Error& Prefix(std::string_view context) {
    message_.insert(0, std::string(context) + ": ");
    return *this;
  }

 private:
  ErrorCode code_;
  std::string message_;
};

// Builds an error message from streamable pieces: MakeError(kTypeError, "rank ", r, " > 8").
template <typename... Args>
Error MakeError(ErrorCode code, const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return Error(code, os.str());
}

// Status: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : error_(std::make_unique<Error>(std::move(e))) {}  // NOLINT: implicit by design
  Status(const Status& o) : error_(o.error_ ? std::make_unique<Error>(*o.error_) : nullptr) {}
  Status(Status&&) noexcept = default;
  Status& operator=(const Status& o) {
    error_ = o.error_ ? std::make_unique<Error>(*o.error_) : nullptr;
    return *this;
  }
  Status& operator=(Status&&) noexcept = default;
  bool ok() const { return !error_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(error_);
    return *error_;
  }
  Error& error() {
    assert(error_);
    return *error_;
  }

 private:
  std::unique_ptr<Error> error_;
};

// Result<T>: a value or an Error (std::expected is C++23).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error e) : v_(std::move(e)) {}      // NOLINT
  Result(Status s) : v_(std::move(s.error())) { assert(!s.ok()); }  // NOLINT: must be an error
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error& error() {
    assert(!ok());
    return std::get<1>(v_);
  }
  Status status() const { return ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

// An exception carrying an Error, for callers that prefer exceptions (the CLI, the bindings).
class Exception : public std::exception {
 public:
  explicit Exception(Error e) : error_(std::move(e)), what_(error_.ToString()) {}
  const Error& error() const { return error_; }
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  Error error_;
  std::string what_;
};

}  // namespace webnn

// Propagation helpers.
#define WEBNN_CONCAT_INNER(a, b) a##b
#define WEBNN_CONCAT(a, b) WEBNN_CONCAT_INNER(a, b)

#define WEBNN_RETURN_IF_ERROR(expr)            \
  do {                                         \
    auto _webnn_status = (expr);               \
    if (!_webnn_status.ok()) {                 \
      return std::move(_webnn_status.error()); \
    }                                          \
  } while (0)

#define WEBNN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return std::move(tmp.error());     \
  lhs = std::move(tmp).value()

#define WEBNN_ASSIGN_OR_RETURN(lhs, expr) \
  WEBNN_ASSIGN_OR_RETURN_IMPL(WEBNN_CONCAT(_webnn_result_, __LINE__), lhs, expr)
