// Shared memory for tensors and graph messages: a memfd, sealed so that neither side can
// change its size under the other's mapping (a shrunk file would make the mapping fault).
#pragma once

#include <cstddef>
#include <cstdint>
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

  // Immutable regions, for large graph constants. The bytes must never change once the
  // service has validated them; a seal makes the kernel guarantee that without a copy.
  // CreateSealed: a region of `size` bytes holding each piece at its offset (zeros elsewhere),
  // written with pwrite (never through a writable mapping, which would make the seal fail),
  // then sealed with F_SEAL_WRITE as well as F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL, and
  // mapped read-only.
  struct Piece {
    size_t offset;
    std::span<const std::byte> bytes;
  };
  static Result<std::shared_ptr<SharedRegion>> CreateSealed(size_t size, const char* name,
                                                            std::span<const Piece> pieces);
  // Maps the whole of a region a peer sent, read-only. Rejects a descriptor that is not a memfd
  // sealed with F_SEAL_SHRINK, F_SEAL_GROW and F_SEAL_WRITE, an empty one, and one larger than
  // `max_size` (checked before mapping). `fd` is not taken.
  static Result<std::shared_ptr<SharedRegion>> MapPeerSealed(int fd, uint64_t max_size);

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
