#include "service/heap.h"

#include "webnn/error.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace webnn::service {
namespace {

Status ApplyPolicy() {
#if defined(__GLIBC__)
  // mallopt returns 1 on success, 0 on error; a sanitizer's interceptor returns 0 and changes
  // nothing. Setting either value also turns glibc's adaptive thresholds off, so both are set.
  if (mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMmapThresholdBytes)) != 1 ||
      mallopt(M_TRIM_THRESHOLD, static_cast<int>(kTrimThresholdBytes)) != 1) {
    return MakeError(ErrorCode::kNotSupportedError,
                     "the allocator refused the heap policy (not glibc's malloc?)");
  }
  return {};
#else
  return MakeError(ErrorCode::kNotSupportedError, "no heap policy for this C library");
#endif
}

}  // namespace

void KeepTransferBuffersMapped(const Logger& log) {
  const Status s = ApplyPolicy();
  if (!s.ok()) {
    log.Info("heap: ", s.error().message(), "; large TCP transfers fault their buffers in");
    return;
  }
  log.Debug("heap: blocks under ", kMmapThresholdBytes >> 20, " MiB from the heap, up to ",
            kTrimThresholdBytes >> 20, " MiB of its free top kept mapped");
}

}  // namespace webnn::service
