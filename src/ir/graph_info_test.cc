#include "ir/graph_info.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <stdexcept>
#include <vector>

namespace webnn {
namespace {

ByteBuffer Bytes(size_t n, std::byte fill) {
  return ByteBuffer::FromVector(std::vector<std::byte>(n, fill));
}

std::vector<OperandId> Ids(const ConstantMap& m) {
  std::vector<OperandId> ids;
  for (const auto& [id, bytes] : m) ids.push_back(id);
  return ids;
}

TEST(ConstantMap, KeepsIdsSortedWhateverTheInsertionOrder) {
  ConstantMap m;
  for (OperandId id : {7u, 2u, 9u, 0u, 5u}) {
    auto [it, inserted] = m.emplace(id, Bytes(id + 1, std::byte{1}));
    EXPECT_TRUE(inserted);
    EXPECT_EQ(it->first, id);
    EXPECT_EQ(it->second.size(), id + 1);
  }
  EXPECT_EQ(Ids(m), (std::vector<OperandId>{0, 2, 5, 7, 9}));
  EXPECT_EQ(m.size(), 5u);
}

TEST(ConstantMap, RefusesASecondEntryForAnId) {
  ConstantMap m;
  ASSERT_TRUE(m.emplace(3, Bytes(4, std::byte{1})).second);
  ASSERT_TRUE(m.emplace(8, Bytes(4, std::byte{1})).second);
  auto [it, inserted] = m.emplace(3, Bytes(16, std::byte{2}));
  EXPECT_FALSE(inserted);
  EXPECT_EQ(it->second.size(), 4u);  // the first entry stays
  EXPECT_EQ(m.size(), 2u);
}

TEST(ConstantMap, FindAtCountAndErase) {
  ConstantMap m;
  m.emplace(1, Bytes(2, std::byte{7}));
  m.emplace(4, Bytes(3, std::byte{8}));
  EXPECT_EQ(m.find(2), m.end());
  EXPECT_EQ(m.find(5), m.end());
  ASSERT_NE(m.find(4), m.end());
  EXPECT_EQ(m.find(4)->second.span()[0], std::byte{8});
  EXPECT_EQ(m.count(1), 1u);
  EXPECT_EQ(m.count(0), 0u);
  EXPECT_EQ(m.at(1).size(), 2u);
  EXPECT_THROW((void)m.at(3), std::out_of_range);
  m.erase(m.find(1));
  EXPECT_EQ(Ids(m), (std::vector<OperandId>{4}));
  EXPECT_TRUE(ConstantMap{}.empty());
}

TEST(ConstantMap, EqualityComparesIdsAndBytes) {
  ConstantMap a, b;
  a.emplace(1, Bytes(2, std::byte{7}));
  b.emplace(1, Bytes(2, std::byte{7}));
  EXPECT_EQ(a, b);
  b.emplace(2, Bytes(1, std::byte{0}));
  EXPECT_FALSE(a == b);
  ConstantMap c;
  c.emplace(1, Bytes(2, std::byte{6}));
  EXPECT_FALSE(a == c);
}

}  // namespace
}  // namespace webnn
