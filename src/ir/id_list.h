// IdList: the operand ids of an operation (its operand slots or its results). Most operations
// have one to four operands and one result, so up to kInline ids are kept in place and a list
// that fits needs no allocation: decoding or building an operation then allocates nothing for
// its ids. Longer lists (concat, split) live on the heap. The interface is the part of
// std::vector the code uses, and a list converts to and from std::vector<OperandId>.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <vector>

namespace webnn {

using OperandId = uint32_t;

class IdList {
 public:
  using value_type = OperandId;
  using size_type = size_t;
  using iterator = OperandId*;
  using const_iterator = const OperandId*;
  using reference = OperandId&;
  using const_reference = const OperandId&;
  static constexpr size_t kInline = 4;

  IdList() = default;
  IdList(std::initializer_list<OperandId> ids) { assign(ids.begin(), ids.end()); }
  IdList(const std::vector<OperandId>& ids)  // NOLINT(google-explicit-constructor)
  {
    assign(ids.begin(), ids.end());
  }
  IdList(const IdList& other) { assign(other.begin(), other.end()); }
  IdList(IdList&& other) noexcept { Take(other); }
  IdList& operator=(const IdList& other) {
    if (this != &other) assign(other.begin(), other.end());
    return *this;
  }
  IdList& operator=(IdList&& other) noexcept {
    if (this != &other) {
      Release();
      Take(other);
    }
    return *this;
  }
  IdList& operator=(std::initializer_list<OperandId> ids) {
    assign(ids.begin(), ids.end());
    return *this;
  }
  ~IdList() { Release(); }

  operator std::vector<OperandId>() const  // NOLINT(google-explicit-constructor)
  {
    return std::vector<OperandId>(begin(), end());
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return capacity_; }
  OperandId* data() { return OnHeap() ? heap_ : inline_; }
  const OperandId* data() const { return OnHeap() ? heap_ : inline_; }
  iterator begin() { return data(); }
  iterator end() { return data() + size_; }
  const_iterator begin() const { return data(); }
  const_iterator end() const { return data() + size_; }
  OperandId& operator[](size_t i) { return data()[i]; }
  const OperandId& operator[](size_t i) const { return data()[i]; }
  OperandId& front() { return data()[0]; }
  const OperandId& front() const { return data()[0]; }
  OperandId& back() { return data()[size_ - 1]; }
  const OperandId& back() const { return data()[size_ - 1]; }

  void reserve(size_t n) {
    if (n > capacity_) Grow(n);
  }
  void clear() { size_ = 0; }
  void push_back(OperandId id) {
    if (size_ == capacity_) Grow(size_ + 1);
    data()[size_++] = id;
  }
  // New elements are `value` (0 by default, as std::vector<uint32_t>::resize).
  void resize(size_t n, OperandId value = 0) {
    reserve(n);
    if (n > size_) std::fill(data() + size_, data() + n, value);
    size_ = static_cast<uint32_t>(n);
  }
  template <typename It>
  void assign(It first, It last) {
    const auto n = static_cast<size_t>(std::distance(first, last));
    size_ = 0;
    reserve(n);
    std::copy(first, last, data());
    size_ = static_cast<uint32_t>(n);
  }

  friend bool operator==(const IdList& a, const IdList& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  bool OnHeap() const { return capacity_ > kInline; }
  // Capacity at least `n` (and at least double), keeping the elements.
  void Grow(size_t n) {
    const size_t capacity = std::max<size_t>(n, size_t{2} * capacity_);
    OperandId* heap = new OperandId[capacity];
    std::copy(begin(), end(), heap);
    Release(/*keep_size=*/true);
    heap_ = heap;
    capacity_ = static_cast<uint32_t>(capacity);
  }
  void Release(bool keep_size = false) {
    if (OnHeap()) delete[] heap_;
    capacity_ = kInline;
    if (!keep_size) size_ = 0;
  }
  // Takes other's elements (its heap block, or a copy of its in-place ids); other is left empty.
  void Take(IdList& other) {
    if (other.OnHeap()) {
      heap_ = other.heap_;
      capacity_ = other.capacity_;
    } else {
      std::copy(other.inline_, other.inline_ + other.size_, inline_);
    }
    size_ = other.size_;
    other.capacity_ = kInline;
    other.size_ = 0;
  }

  union {
    OperandId inline_[kInline] = {};
    OperandId* heap_;
  };
  uint32_t size_ = 0;
  uint32_t capacity_ = kInline;
};

}  // namespace webnn
