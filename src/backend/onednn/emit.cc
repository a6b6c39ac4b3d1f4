#include "backend/onednn/emit.h"

namespace webnn::onednn {

Result<bool> EmitOperation(Compiler& c, const Operation& op) {
  switch (op.kind) {
    case OpKind::kConv2d:
      return EmitConv2d(c, op);
    case OpKind::kConvTranspose2d:
      return EmitConvTranspose2d(c, op);
    case OpKind::kMatmul:
      return EmitMatmul(c, op);
    case OpKind::kGemm:
      return EmitGemm(c, op);
    case OpKind::kAdd:
    case OpKind::kSub:
    case OpKind::kMul:
    case OpKind::kDiv:
    case OpKind::kMax:
    case OpKind::kMin:
      return EmitBinary(c, op);
    case OpKind::kPow:
      return EmitPow(c, op);
    case OpKind::kPrelu:
      return EmitPrelu(c, op);
    case OpKind::kCast:
      return EmitCast(c, op);
    case OpKind::kReshape:
    case OpKind::kIdentity:
      return EmitReshape(c, op);
    case OpKind::kTranspose:
      return EmitTranspose(c, op);
    case OpKind::kConcat:
      return EmitConcat(c, op);
    case OpKind::kAveragePool2d:
    case OpKind::kMaxPool2d:
    case OpKind::kL2Pool2d:
      return EmitPool2d(c, op);
    case OpKind::kSoftmax:
      return EmitSoftmax(c, op);
    case OpKind::kBatchNormalization:
      return EmitBatchNormalization(c, op);
    case OpKind::kInstanceNormalization:
      return EmitInstanceNormalization(c, op);
    case OpKind::kLayerNormalization:
      return EmitLayerNormalization(c, op);
    case OpKind::kReduceL1:
    case OpKind::kReduceL2:
    case OpKind::kReduceMax:
    case OpKind::kReduceMean:
    case OpKind::kReduceMin:
    case OpKind::kReduceProduct:
    case OpKind::kReduceSum:
    case OpKind::kReduceSumSquare:
      return EmitReduce(c, op);
    case OpKind::kResample2d:
      return EmitResample2d(c, op);
    default:
      return EmitUnary(c, op);  // false for anything that is not an eltwise operation
  }
}

}  // namespace webnn::onednn
