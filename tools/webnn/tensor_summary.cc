#include "tensor_summary.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iomanip>
#include <limits>
#include <vector>

namespace webnn::cli {

namespace {

// Every element as a double (int4/uint4 unpacked, two a byte, low nibble first).
std::vector<double> Elements(const HostTensor& t) {
  const size_t n = t.desc.ElementCount();
  std::vector<double> v(n);
  const std::byte* p = t.bytes.data();
  auto typed = [&]<typename T>(T) {
    for (size_t i = 0; i < n; ++i) {
      T x;
      std::memcpy(&x, p + i * sizeof(T), sizeof(T));
      v[i] = static_cast<double>(x);
    }
  };
  switch (t.desc.dataType) {
    case DataType::kFloat32:
      typed(float{});
      break;
    case DataType::kFloat16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        v[i] = HalfToFloat(h);
      }
      break;
    case DataType::kInt32:
      typed(int32_t{});
      break;
    case DataType::kUint32:
      typed(uint32_t{});
      break;
    case DataType::kInt64:
      typed(int64_t{});
      break;
    case DataType::kUint64:
      typed(uint64_t{});
      break;
    case DataType::kInt8:
      typed(int8_t{});
      break;
    case DataType::kUint8:
      typed(uint8_t{});
      break;
    case DataType::kInt4:
    case DataType::kUint4:
      for (size_t i = 0; i < n; ++i) {
        const auto byte = static_cast<uint8_t>(p[i / 2]);
        int nibble = (i % 2 == 0) ? (byte & 0xF) : (byte >> 4);
        if (t.desc.dataType == DataType::kInt4 && nibble >= 8) nibble -= 16;
        v[i] = nibble;
      }
      break;
  }
  return v;
}

}  // namespace

void PrintTensorSummary(const std::string& name, const HostTensor& t, std::ostream& out,
                        size_t first) {
  const std::vector<double> v = Elements(t);
  out << name << ": " << DescriptorToString(t.desc);
  if (v.empty()) {
    out << " (no elements)\n";
    return;
  }
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0;
  size_t nans = 0;
  for (double x : v) {
    if (std::isnan(x)) {
      ++nans;
      continue;
    }
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    sum += x;
  }
  out << std::defaultfloat << std::setprecision(6);
  if (nans < v.size()) {
    out << "  min " << lo << " max " << hi << " mean "
        << sum / static_cast<double>(v.size() - nans);
  }
  if (nans > 0) out << " (" << nans << " NaN)";
  out << "\n  [";
  const size_t k = std::min(first, v.size());
  for (size_t i = 0; i < k; ++i) out << (i ? ", " : "") << v[i];
  out << (k < v.size() ? ", ...]" : "]") << "\n";
}

}  // namespace webnn::cli
