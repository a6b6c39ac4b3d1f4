#include "testing/op_runner.h"

#include "backend/reference/kernels.h"
#include "backend/reference/tensor_util.h"

namespace webnn::testing {

TestTensor TestTensor::Make(DataType type, std::vector<uint32_t> shape,
                            const std::vector<double>& values) {
  TestTensor t;
  t.desc = {type, std::move(shape)};
  t.bytes.assign(t.desc.ByteLength(), std::byte{0});
  for (size_t i = 0; i < values.size() && i < t.desc.ElementCount(); ++i) {
    reference::StoreFromDouble(type, t.bytes.data(), i, values[i]);
  }
  return t;
}

TestTensor TestTensor::MakeInt(DataType type, std::vector<uint32_t> shape,
                               const std::vector<int64_t>& values) {
  TestTensor t;
  t.desc = {type, std::move(shape)};
  t.bytes.assign(t.desc.ByteLength(), std::byte{0});
  for (size_t i = 0; i < values.size() && i < t.desc.ElementCount(); ++i) {
    reference::StoreFromInt64(type, t.bytes.data(), i, values[i]);
  }
  return t;
}

std::vector<double> TestTensor::ToDoubles() const {
  std::vector<double> v(desc.ElementCount());
  for (size_t i = 0; i < v.size(); ++i) v[i] = reference::LoadAsDouble(desc.dataType, bytes.data(), i);
  return v;
}

std::vector<int64_t> TestTensor::ToInt64s() const {
  std::vector<int64_t> v(desc.ElementCount());
  for (size_t i = 0; i < v.size(); ++i) v[i] = reference::LoadAsInt64(desc.dataType, bytes.data(), i);
  return v;
}

Result<OutputDescriptors> InferOp(OpKind kind, const Attrs& attrs,
                                  const std::vector<std::optional<OperandDescriptor>>& inputs,
                                  const ContextLimits& limits) {
  std::vector<const OperandDescriptor*> ptrs;
  for (const auto& in : inputs) ptrs.push_back(in ? &*in : nullptr);
  return ValidateOperation(kind, attrs, "", ptrs, limits);
}

Result<std::vector<TestTensor>> RunOp(OpKind kind, const Attrs& attrs,
                                      const std::vector<std::optional<TestTensor>>& inputs,
                                      const ContextLimits& limits) {
  std::vector<const OperandDescriptor*> ptrs;
  for (const auto& in : inputs) ptrs.push_back(in ? &in->desc : nullptr);
  WEBNN_ASSIGN_OR_RETURN(OutputDescriptors descs,
                         ValidateOperation(kind, attrs, "", ptrs, limits));
  std::vector<TestTensor> outputs(descs.size());
  std::vector<reference::MutableTensor> outs(descs.size());
  for (size_t i = 0; i < descs.size(); ++i) {
    outputs[i].desc = descs[i];
    // Poison the output so a kernel that skips elements is caught.
    outputs[i].bytes.assign(descs[i].ByteLength(), std::byte{0xA5});
    outs[i] = {&outputs[i].desc, outputs[i].bytes.data()};
  }
  std::vector<reference::ConstTensor> ins;
  for (const auto& in : inputs) {
    ins.push_back(in ? reference::ConstTensor{&in->desc, in->bytes.data()} : reference::ConstTensor{});
  }
  WEBNN_RETURN_IF_ERROR(reference::ComputeOperation(kind, attrs, {ins, outs}));
  return outputs;
}

}  // namespace webnn::testing
