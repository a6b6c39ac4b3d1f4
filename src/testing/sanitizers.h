// Whether the code is built with AddressSanitizer: its allocator replaces malloc (mallopt is
// ignored, freed memory waits in a quarantine, big allocations cost more), so tests of memory
// behaviour assert what holds under it instead.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define WEBNN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEBNN_ASAN 1
#endif
#endif

namespace webnn::testing {

#ifdef WEBNN_ASAN
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif

}  // namespace webnn::testing
