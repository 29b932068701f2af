// Parts of an aggregate that most instances never use, held on the heap so they cost one pointer where they
// are absent (docs/performance.md, "Bytes per live case"). Both types copy deeply and compare by value, so an
// aggregate holding them keeps its value semantics (copy, move, defaulted ==).
#pragma once

#include <memory>
#include <optional>
#include <utility>

namespace permitflow {

/// std::optional's interface (the part the code uses), with the value on the heap.
template <class T>
class HeapOptional {
 public:
  using value_type = T;

  HeapOptional() = default;
  HeapOptional(std::nullopt_t) {}  // NOLINT: implicit, as std::optional's
  HeapOptional(const T& v) : p_(std::make_unique<T>(v)) {}
  HeapOptional(T&& v) : p_(std::make_unique<T>(std::move(v))) {}
  HeapOptional(const HeapOptional& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  HeapOptional(HeapOptional&&) noexcept = default;
  HeapOptional& operator=(const HeapOptional& o) {
    if (this == &o) return *this;
    if (!o.p_) {
      p_.reset();
    } else if (p_) {
      *p_ = *o.p_;  // reuses the block
    } else {
      p_ = std::make_unique<T>(*o.p_);
    }
    return *this;
  }
  HeapOptional& operator=(HeapOptional&&) noexcept = default;
  HeapOptional& operator=(std::nullopt_t) {
    p_.reset();
    return *this;
  }
  HeapOptional(std::optional<T> v) : p_(v ? std::make_unique<T>(std::move(*v)) : nullptr) {}  // NOLINT
  HeapOptional& operator=(std::optional<T> v) {
    if (!v) {
      p_.reset();
    } else {
      *this = std::move(*v);
    }
    return *this;
  }
  HeapOptional& operator=(T v) {
    if (p_) {
      *p_ = std::move(v);
    } else {
      p_ = std::make_unique<T>(std::move(v));
    }
    return *this;
  }

  bool has_value() const { return p_ != nullptr; }
  explicit operator bool() const { return p_ != nullptr; }
  const T& operator*() const { return *p_; }
  T& operator*() { return *p_; }
  const T* operator->() const { return p_.get(); }
  T* operator->() { return p_.get(); }
  const T& value() const {
    if (!p_) throw std::bad_optional_access();
    return *p_;
  }
  template <class U>
  T value_or(U&& fallback) const {
    return p_ ? *p_ : static_cast<T>(std::forward<U>(fallback));
  }
  void reset() { p_.reset(); }
  template <class... Args>
  T& emplace(Args&&... args) {
    p_ = std::make_unique<T>(std::forward<Args>(args)...);
    return *p_;
  }

  friend bool operator==(const HeapOptional& a, const HeapOptional& b) {
    return a.p_ ? (b.p_ && *a.p_ == *b.p_) : !b.p_;
  }
  friend bool operator==(const HeapOptional& a, std::nullopt_t) { return !a.p_; }

 private:
  std::unique_ptr<T> p_;
};

/// A T that is always there to read (a default T until first written) but takes a heap block only once
/// written through mut(). Reading never allocates, so code that reads it from a case of another kind costs
/// nothing; an OutOfLine holding a default T equals one that holds none.
template <class T>
class OutOfLine {
 public:
  using value_type = T;

  OutOfLine() = default;
  OutOfLine(T v) : p_(std::make_unique<T>(std::move(v))) {}  // NOLINT: implicit, as the T it replaces
  OutOfLine(const OutOfLine& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  OutOfLine(OutOfLine&&) noexcept = default;
  OutOfLine& operator=(const OutOfLine& o) {
    if (this == &o) return *this;
    if (!o.p_) {
      p_.reset();
    } else if (p_) {
      *p_ = *o.p_;
    } else {
      p_ = std::make_unique<T>(*o.p_);
    }
    return *this;
  }
  OutOfLine& operator=(OutOfLine&&) noexcept = default;

  const T& operator*() const { return p_ ? *p_ : empty(); }
  const T* operator->() const { return &**this; }
  /// The value to write, allocated (as a default T) on first use.
  T& mut() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }
  /// Whether a block is held (a written value, possibly equal to the default).
  bool allocated() const { return p_ != nullptr; }
  /// Back to the default T, giving the block back.
  void reset() { p_.reset(); }

  friend bool operator==(const OutOfLine& a, const OutOfLine& b) { return *a == *b; }

 private:
  static const T& empty() {
    static const T value{};
    return value;
  }
  std::unique_ptr<T> p_;
};

}  // namespace permitflow
