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

}  // namespace webnn::service
