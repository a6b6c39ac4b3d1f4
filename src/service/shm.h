// Shared memory for tensors and graph messages: a memfd, sealed so that neither side can
// change its size under the other's mapping (a shrunk file would make the mapping fault).
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include "webnn/error.h"

namespace webnn::service {

class SharedRegion {
 public:
  ~SharedRegion();
  SharedRegion(const SharedRegion&) = delete;
  SharedRegion& operator=(const SharedRegion&) = delete;

  // A new zero-filled region of `size` bytes (> 0), sealed against shrinking, growing and
  // further sealing, mapped read-write.
  static Result<std::shared_ptr<SharedRegion>> Create(size_t size, const char* name);
  // Maps `size` bytes of a region a peer sent. Rejects a descriptor that is not a sealed memfd
  // (F_SEAL_SHRINK and F_SEAL_GROW) or that is smaller than `size`. `fd` is not taken: the
  // region keeps its own duplicate.
  static Result<std::shared_ptr<SharedRegion>> MapPeer(int fd, size_t size);

  int fd() const { return fd_; }
  std::byte* data() const { return data_; }
  size_t size() const { return size_; }
  std::span<std::byte> span() const { return {data_, size_}; }

 private:
  SharedRegion(int fd, std::byte* data, size_t size) : fd_(fd), data_(data), size_(size) {}
  int fd_;
  std::byte* data_;
  size_t size_;
};

}  // namespace webnn::service
