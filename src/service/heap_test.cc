#include "service/heap.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "service/common.h"
#include "testing/sanitizers.h"

namespace webnn::service {
namespace {

// Minor page faults of this process so far.
long MinorFaults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

// What a chunked TCP transfer does to the heap, `rounds` times: a received message of one chunk
// (allocated, filled, copied out, freed) and a reply of one chunk (zeroed, filled, sent, freed).
// Returns the minor page faults of the rounds after the first.
long FaultsOfTransferRounds(int rounds) {
  const size_t bytes = kTransferChunkBytes + 4096;  // the chunk and its message's framing
  long faults = 0;
  for (int r = 0; r < rounds; ++r) {
    const long before = MinorFaults();
    void* in = std::malloc(bytes);
    std::memset(in, 1, bytes);
    void* out = std::calloc(1, bytes);
    std::memcpy(out, in, bytes);
    asm volatile("" : : "r"(in), "r"(out) : "memory");  // keep the buffers and their bytes
    std::free(in);
    std::free(out);
    if (r > 0) faults += MinorFaults() - before;
  }
  return faults;
}

// In a child process, as the policy is process-wide: with it, the transfer rounds reuse mapped
// memory. (This test binary frees large blocks before, so glibc's adaptive policy may have
// reached the same state by itself; the difference the policy makes in a fresh webnnd worker is
// ServiceBigData.ChunkedTcpTransfersReuseTheServingProcessMemory.)
TEST(Heap, TransferBuffersStayMapped) {
  if (testing::kAddressSanitizer) {
    // The sanitizer's allocator ignores mallopt; the service then logs that and runs on.
    EXPECT_FALSE(KeepTransferBuffersMapped().ok());
    return;
  }
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    long faults = -1;
    if (KeepTransferBuffersMapped().ok()) faults = FaultsOfTransferRounds(10);
    const bool written = write(fds[1], &faults, sizeof(faults)) == sizeof(faults);
    _exit(written ? 0 : 1);
  }
  close(fds[1]);
  long faults = -2;
  const ssize_t got = read(fds[0], &faults, sizeof(faults));
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(got, static_cast<ssize_t>(sizeof(faults)));
  ASSERT_NE(faults, -1) << "the allocator refused the policy";
  // Nine rounds of 8,194 pages each: a few faults, not tens of thousands.
  EXPECT_LT(faults, 512) << "the transfer buffers were faulted in again";
}

}  // namespace
}  // namespace webnn::service
