#include "service/shm.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace webnn::service {

namespace {
Error SysError(const char* what) {
  return MakeError(ErrorCode::kUnknownError, what, ": ", std::strerror(errno));
}
}  // namespace

SharedRegion::~SharedRegion() {
  if (data_) munmap(data_, size_);
  if (fd_ >= 0) close(fd_);
}

Result<std::shared_ptr<SharedRegion>> SharedRegion::Create(size_t size, const char* name) {
  if (size == 0) return MakeError(ErrorCode::kTypeError, "shared memory: empty region");
  int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return SysError("memfd_create");
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    Error e = SysError("shared memory: ftruncate");
    close(fd);
    return e;
  }
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
    Error e = SysError("shared memory: F_ADD_SEALS");
    close(fd);
    return e;
  }
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    Error e = SysError("shared memory: mmap");
    close(fd);
    return e;
  }
  return std::shared_ptr<SharedRegion>(new SharedRegion(fd, static_cast<std::byte*>(p), size));
}

Result<std::shared_ptr<SharedRegion>> SharedRegion::MapPeer(int peer_fd, size_t size) {
  if (size == 0) return MakeError(ErrorCode::kTypeError, "shared memory: empty region");
  const int seals = fcntl(peer_fd, F_GET_SEALS);
  if (seals < 0) {
    return MakeError(ErrorCode::kDataError,
                     "shared memory: the descriptor is not a sealable memfd (",
                     std::strerror(errno), ")");
  }
  if ((seals & F_SEAL_SHRINK) == 0 || (seals & F_SEAL_GROW) == 0) {
    return MakeError(ErrorCode::kDataError,
                     "shared memory: the memfd must be sealed with F_SEAL_SHRINK | F_SEAL_GROW");
  }
  struct stat st {};
  if (fstat(peer_fd, &st) != 0) return SysError("shared memory: fstat");
  if (st.st_size < 0 || static_cast<uint64_t>(st.st_size) < size) {
    return MakeError(ErrorCode::kDataError, "shared memory: the region has ", st.st_size,
                     " bytes, ", size, " needed");
  }
  int fd = fcntl(peer_fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return SysError("shared memory: dup");
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    Error e = SysError("shared memory: mmap");
    close(fd);
    return e;
  }
  return std::shared_ptr<SharedRegion>(new SharedRegion(fd, static_cast<std::byte*>(p), size));
}

Result<std::shared_ptr<SharedRegion>> SharedRegion::CreateSealed(size_t size, const char* name,
                                                                 std::span<const Piece> pieces) {
  if (size == 0) return MakeError(ErrorCode::kTypeError, "shared memory: empty region");
  int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return SysError("memfd_create");
  auto fail = [fd](const char* what) {
    Error e = SysError(what);
    close(fd);
    return e;
  };
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) return fail("shared memory: ftruncate");
  for (const Piece& piece : pieces) {
    if (piece.offset > size || piece.bytes.size() > size - piece.offset) {
      close(fd);
      return MakeError(ErrorCode::kTypeError, "shared memory: a piece of ", piece.bytes.size(),
                       " bytes at ", piece.offset, " is outside the ", size, "-byte region");
    }
    size_t done = 0;
    while (done < piece.bytes.size()) {
      const ssize_t n = pwrite(fd, piece.bytes.data() + done, piece.bytes.size() - done,
                               static_cast<off_t>(piece.offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return fail("shared memory: pwrite");
      done += static_cast<size_t>(n);
    }
  }
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    return fail("shared memory: F_ADD_SEALS");
  }
  void* p = mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return fail("shared memory: mmap");
  return std::shared_ptr<SharedRegion>(new SharedRegion(fd, static_cast<std::byte*>(p), size));
}

Result<std::shared_ptr<SharedRegion>> SharedRegion::MapPeerSealed(int peer_fd, uint64_t max_size) {
  const int seals = fcntl(peer_fd, F_GET_SEALS);
  if (seals < 0) {
    return MakeError(ErrorCode::kDataError,
                     "shared memory: the descriptor is not a sealable memfd (",
                     std::strerror(errno), ")");
  }
  constexpr int kNeeded = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
  if ((seals & kNeeded) != kNeeded) {
    return MakeError(ErrorCode::kDataError,
                     "shared memory: a constant region must be sealed with F_SEAL_SHRINK | "
                     "F_SEAL_GROW | F_SEAL_WRITE (its bytes may not change once validated)");
  }
  struct stat st {};
  if (fstat(peer_fd, &st) != 0) return SysError("shared memory: fstat");
  if (st.st_size <= 0) return MakeError(ErrorCode::kDataError, "shared memory: empty region");
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size > max_size) {
    return MakeError(ErrorCode::kNotSupportedError, "a shared-memory region of ", size,
                     " bytes, more than the ", max_size, " allowed");
  }
  int fd = fcntl(peer_fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return SysError("shared memory: dup");
  void* p = mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    Error e = SysError("shared memory: mmap");
    close(fd);
    return e;
  }
  return std::shared_ptr<SharedRegion>(
      new SharedRegion(fd, static_cast<std::byte*>(p), static_cast<size_t>(size)));
}

}  // namespace webnn::service
