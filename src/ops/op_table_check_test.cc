// The grammar check is consteval: these cases are checked when this file compiles, so a checker
// that accepted a typo (or rejected a good row) breaks the build.
#include "ops/op_table_check.h"

#include "ops/op_info.h"

#include <gtest/gtest.h>

namespace webnn::op_table_check {
namespace {

static_assert(RowValid("input:float:4,filter:=input:4,bias?:=input:1", "output:=input:4"));
static_assert(RowValid("inputs*:any:1-N", "output:=inputs:=inputs"));
static_assert(RowValid("a:f32|f16|i64:0-2", "output0:=a:3,output1?:u8:N"));
static_assert(!RowValid("input:flaot:4", "output:=input:4"));    // unknown type
static_assert(!RowValid("input:f32|f61:4", "output:=input:4"));  // unknown short name
static_assert(!RowValid("input:float:4", "output:=inptu:4"));    // unknown slot
static_assert(!RowValid("input:float:4x", "output:=input:4"));   // bad rank
static_assert(!RowValid("input:float:1-M", "output:=input:4"));  // bad rank bound
static_assert(!RowValid("a:=b:N,b:any:N", "output:=a:N"));       // forward reference
static_assert(!RowValid("input:float", "output:=input:4"));      // missing field
static_assert(!RowValid("input:float:4:4", "output:=input:4"));  // extra field
static_assert(!RowValid("in-put:float:4", "output:=input:4"));   // bad name
static_assert(TraitsValid(""));
static_assert(TraitsValid("fusable"));
static_assert(!TraitsValid("fuseable"));         // unknown trait
static_assert(!TraitsValid("fusable,fusable"));  // repeated
static_assert(!TraitsValid("fusable,"));         // empty item
static_assert(HasTrait("fusable", "fusable") && !HasTrait("", "fusable"));

TEST(OpTableCheck, EveryRowOfTheTableIsChecked) {
  // op_info.cc static_asserts RowValid for each row; here, that the table has rows at all.
  int rows = 0;
#define WEBNN_OP(kind, name, attrs, in_spec, out_spec, ...) ++rows;
#include "ops/op_table.inc"
#undef WEBNN_OP
  EXPECT_GT(rows, 90);
}

TEST(OpTableCheck, FusableTraitReachesOpInfo) {
  // The activations of the fusion list carry the trait; binary and data-movement ops do not.
  for (OpKind k :
       {OpKind::kRelu, OpKind::kClamp, OpKind::kSigmoid, OpKind::kTanh, OpKind::kHardSwish,
        OpKind::kHardSigmoid, OpKind::kGelu, OpKind::kElu, OpKind::kLeakyRelu}) {
    EXPECT_TRUE(GetOpInfo(k).fusable) << OpName(k);
  }
  for (OpKind k : {OpKind::kAdd, OpKind::kConv2d, OpKind::kReshape, OpKind::kSoftmax}) {
    EXPECT_FALSE(GetOpInfo(k).fusable) << OpName(k);
  }
}

}  // namespace
}  // namespace webnn::op_table_check
