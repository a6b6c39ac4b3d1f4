// Fuzzes the .npy parser (src/util/npy). An array that parses must serialize and parse back to
// the same descriptor and bytes.
#include <cstdint>
#include <cstdlib>
#include <iostream>

#include "fuzz_util.h"
#include "util/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace webnn;
  Result<npy::Array> array = npy::Parse(fuzz::Bytes(data, size));
  if (!array.ok()) return 0;
  const std::vector<std::byte> written = npy::Serialize(*array);
  Result<npy::Array> again = npy::Parse(written);
  if (!again.ok() || !(again->desc == array->desc) || again->bytes != array->bytes) {
    std::cerr << "npy_fuzzer: a parsed array does not serialize and parse back to itself\n";
    std::abort();
  }
  return 0;
}
