// Parts of an aggregate that most instances never use, held on the heap so they cost one pointer where they
// are absent (docs/performance.md, "Bytes per live case"). Both types copy deeply and compare by value, so an
// aggregate holding them keeps its value semantics (copy, move, defaulted ==).
#pragma once

#include <memory>
#include <optional>
#include <utility>

namespace permitflow {

namespace detail {

/// An owning pointer that copies its value: the block of both types below.
template <class T>
class DeepPtr {
 public:
  DeepPtr() = default;
  DeepPtr(const DeepPtr& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  DeepPtr(DeepPtr&&) noexcept = default;
  DeepPtr& operator=(const DeepPtr& o) {
    if (this == &o) return *this;
    if (o.p_) {
      set(*o.p_);
    } else {
      p_.reset();
    }
    return *this;
  }
  DeepPtr& operator=(DeepPtr&&) noexcept = default;

  /// Stores `v`, in the block already held if there is one.
  template <class U>
  T& set(U&& v) {
    if (p_) {
      *p_ = std::forward<U>(v);
    } else {
      p_ = std::make_unique<T>(std::forward<U>(v));
    }
    return *p_;
  }
  T* get() const { return p_.get(); }
  void reset() { p_.reset(); }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace detail

/// std::optional's interface (the part the code uses), with the value on the heap.
template <class T>
class HeapOptional {
 public:
  using value_type = T;

  HeapOptional() = default;
  HeapOptional(std::nullopt_t) {}              // NOLINT: implicit, as std::optional's
  HeapOptional(T v) { p_.set(std::move(v)); }  // NOLINT
  HeapOptional(std::optional<T> v) {           // NOLINT
    if (v) p_.set(std::move(*v));
  }
  HeapOptional& operator=(std::nullopt_t) {
    p_.reset();
    return *this;
  }
  HeapOptional& operator=(T v) {
    p_.set(std::move(v));
    return *this;
  }
  HeapOptional& operator=(std::optional<T> v) {
    if (v) {
      p_.set(std::move(*v));
    } else {
      p_.reset();
    }
    return *this;
  }

  bool has_value() const { return p_.get() != nullptr; }
  explicit operator bool() const { return has_value(); }
  const T& operator*() const { return *p_.get(); }
  T& operator*() { return *p_.get(); }
  const T* operator->() const { return p_.get(); }
  T* operator->() { return p_.get(); }
  const T& value() const {
    if (!has_value()) throw std::bad_optional_access();
    return *p_.get();
  }
  template <class U>
  T value_or(U&& fallback) const {
    return has_value() ? *p_.get() : static_cast<T>(std::forward<U>(fallback));
  }
  void reset() { p_.reset(); }
  template <class... Args>
  T& emplace(Args&&... args) {
    return p_.set(T(std::forward<Args>(args)...));
  }

  friend bool operator==(const HeapOptional& a, const HeapOptional& b) {
    return a.has_value() ? (b.has_value() && *a == *b) : !b.has_value();
  }
  friend bool operator==(const HeapOptional& a, std::nullopt_t) { return !a.has_value(); }

 private:
  detail::DeepPtr<T> p_;
};

/// A T that is always there to read (a default T until first written) but takes a heap block only once
/// written through mut(). Reading never allocates, so code that reads it from a case of another kind costs
/// nothing; an OutOfLine holding a default T equals one that holds none.
template <class T>
class OutOfLine {
 public:
  using value_type = T;

  OutOfLine() = default;
  OutOfLine(T v) { p_.set(std::move(v)); }  // NOLINT: implicit, as the T it replaces

  const T& operator*() const { return p_.get() ? *p_.get() : empty(); }
  const T* operator->() const { return &**this; }
  /// The value to write, allocated (as a default T) on first use.
  T& mut() { return p_.get() ? *p_.get() : p_.set(T{}); }
  /// Whether a block is held (a written value, possibly equal to the default).
  bool allocated() const { return p_.get() != nullptr; }
  /// Back to the default T, giving the block back.
  void reset() { p_.reset(); }

  friend bool operator==(const OutOfLine& a, const OutOfLine& b) { return *a == *b; }

 private:
  static const T& empty() {
    static const T value{};
    return value;
  }
  detail::DeepPtr<T> p_;
};

}  // namespace permitflow
