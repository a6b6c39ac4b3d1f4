#include "fuzz_util.h"

#include "backend/reference/tensor_util.h"

namespace webnn::fuzz {

std::vector<std::string_view> SplitParts(std::string_view input, std::string_view separator,
                                         size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    const size_t at = input.find(separator);
    if (at == std::string_view::npos) break;
    parts.push_back(input.substr(0, at));
    input.remove_prefix(at + separator.size());
  }
  parts.push_back(input);
  return parts;
}

bool WithinBudget(const GraphInfo& graph, const ExecBudget& budget) {
  if (graph.operations.size() > budget.max_operations) return false;
  for (const Operand& operand : graph.operands) {
    if (operand.desc.ElementCount() > budget.max_elements) return false;
  }
  return true;
}

std::vector<std::byte> DeterministicInput(const OperandDescriptor& desc) {
  std::vector<std::byte> bytes(desc.ByteLength());
  const uint64_t n = desc.ElementCount();
  const bool is_float = desc.dataType == DataType::kFloat32 || desc.dataType == DataType::kFloat16;
  for (uint64_t i = 0; i < n; ++i) {
    const double step = static_cast<double>((i * 37 + 11) % 17) - 8.0;  // -8 .. 8
    reference::StoreFromDouble(desc.dataType, bytes.data(), i, is_float ? step / 2.0 : step);
  }
  return bytes;
}

}  // namespace webnn::fuzz
