#include "ir/id_list.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace webnn {
namespace {

std::vector<OperandId> Iota(size_t n) {
  std::vector<OperandId> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<OperandId>(10 * i + 1);
  return v;
}

TEST(IdList, ShortListsStayInPlaceLongOnesGrow) {
  IdList ids;
  EXPECT_TRUE(ids.empty());
  for (size_t i = 0; i < IdList::kInline; ++i) ids.push_back(static_cast<OperandId>(i));
  EXPECT_EQ(ids.capacity(), IdList::kInline);
  ids.push_back(99);  // past the in-place room: moved to the heap, elements kept
  EXPECT_GT(ids.capacity(), IdList::kInline);
  EXPECT_EQ(std::vector<OperandId>(ids), (std::vector<OperandId>{0, 1, 2, 3, 99}));
  EXPECT_EQ(ids.front(), 0u);
  EXPECT_EQ(ids.back(), 99u);
}

TEST(IdList, CopiesAndMovesKeepTheElementsAtEverySize) {
  for (size_t n : {0u, 1u, 4u, 5u, 40u}) {
    const std::vector<OperandId> want = Iota(n);
    IdList a = want;
    EXPECT_EQ(std::vector<OperandId>(a), want) << n;
    IdList copy = a;
    EXPECT_EQ(copy, a) << n;
    IdList moved = std::move(copy);
    EXPECT_EQ(std::vector<OperandId>(moved), want) << n;
    EXPECT_TRUE(copy.empty()) << n;  // NOLINT(bugprone-use-after-move): documented state
    IdList assigned{7, 8};
    assigned = moved;
    EXPECT_EQ(assigned, a) << n;
    IdList move_assigned = Iota(9);
    move_assigned = std::move(assigned);
    EXPECT_EQ(std::vector<OperandId>(move_assigned), want) << n;
    const IdList& same = move_assigned;  // through a reference: self-assignment keeps the list
    move_assigned = same;
    EXPECT_EQ(std::vector<OperandId>(move_assigned), want) << n;
  }
}

TEST(IdList, ResizeAssignAndCompare) {
  IdList ids{5, 6};
  ids.resize(6);
  EXPECT_EQ(std::vector<OperandId>(ids), (std::vector<OperandId>{5, 6, 0, 0, 0, 0}));
  ids.resize(1);
  EXPECT_EQ(std::vector<OperandId>(ids), (std::vector<OperandId>{5}));
  ids.resize(3, 7);
  EXPECT_EQ(std::vector<OperandId>(ids), (std::vector<OperandId>{5, 7, 7}));
  const std::vector<OperandId> src = Iota(12);
  ids.assign(src.begin() + 2, src.end());
  EXPECT_EQ(std::vector<OperandId>(ids), std::vector<OperandId>(src.begin() + 2, src.end()));
  EXPECT_EQ(ids[0], src[2]);
  EXPECT_FALSE(ids == IdList(src));
  EXPECT_EQ(IdList({1, 2}), IdList(std::vector<OperandId>{1, 2}));
  EXPECT_FALSE(IdList({1, 2}) == IdList({1, 2, 3}));
  ids.clear();
  EXPECT_TRUE(ids.empty());
}

}  // namespace
}  // namespace webnn
