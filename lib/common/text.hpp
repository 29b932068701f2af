// A string a live case holds, in one word (docs/performance.md, "Bytes per live case"). A case repeats the
// same few dozen words of its definition (material ids, fact names, departments, the standard notice lines)
// in every case, and std::string costs 32 bytes for each, plus a heap block for anything over 15 bytes.
#pragma once

#include <compare>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace permitflow {

/// An immutable string in 8 bytes, with a value's semantics (copy, compare, order as std::string does):
/// - up to 7 bytes are held inline ("pdf", "insp-1");
/// - a word of the vocabulary (below) is a pointer to its one shared copy: copying it is free;
/// - anything else owns a heap block of its length and bytes.
/// Which of the three a value is never shows: the same bytes compare equal whatever their form.
class Text {
 public:
  Text() = default;
  Text(std::string_view s);  // NOLINT(google-explicit-constructor): a drop-in for std::string members
  Text(const std::string& s) : Text(std::string_view(s)) {}  // NOLINT
  Text(const char* s) : Text(std::string_view(s)) {}         // NOLINT
  // Copying and reading are inline: a case's rules compare and copy its Texts on every command.
  Text(const Text& o) : bits_((o.bits_ & kTagMask) == kOwned ? copy_owned(o.bits_) : o.bits_) {}
  Text(Text&& o) noexcept : bits_(o.bits_) { o.bits_ = 0; }
  Text& operator=(const Text& o);
  Text& operator=(Text&& o) noexcept;
  ~Text() {
    if ((bits_ & kTagMask) == kOwned) free_owned(bits_);
  }

  /// Adds `words` to the vocabulary: a process-wide set of strings that only grows, held once for the
  /// process's life. Only for words a definition brings (its ids, names, standard notice lines) and the
  /// versions of the calendars loaded, never for what a caller sends, so it stays bounded by the definitions
  /// and calendars loaded. Safe to call while other threads
  /// make Texts. Past its capacity (32,768 words) a word is simply not added: its Texts own their bytes.
  static void add_to_vocabulary(std::initializer_list<std::string_view> words);
  static void add_to_vocabulary(const std::vector<std::string>& words);
  /// Whether `s` is a word of the vocabulary (tests).
  static bool in_vocabulary(std::string_view s);

  std::string_view view() const { return view_of(bits_); }
  /// A word of the vocabulary as a JSON string (quotes and escapes included), made once when the word was
  /// added, so that writing it is a copy; empty for any other Text (and for a word that is not UTF-8).
  std::string_view json_string() const;

  operator std::string_view() const { return view(); }  // NOLINT(google-explicit-constructor)
  std::string str() const { return std::string(view()); }
  const char* data() const { return view().data(); }
  std::size_t size() const { return view().size(); }
  bool empty() const { return bits_ == 0; }
  // std::string's reading members the code uses, so a Text reads as one.
  static constexpr std::size_t npos = std::string_view::npos;
  std::size_t find(char c, std::size_t pos = 0) const { return view().find(c, pos); }
  std::size_t find(std::string_view s, std::size_t pos = 0) const { return view().find(s, pos); }
  std::size_t rfind(std::string_view s, std::size_t pos = npos) const { return view().rfind(s, pos); }
  std::string substr(std::size_t pos, std::size_t n = npos) const {
    return std::string(view().substr(pos, n));
  }
  bool starts_with(std::string_view s) const { return view().starts_with(s); }
  const char* begin() const { return view().data(); }
  const char* end() const { return begin() + size(); }

  // Two Texts of which neither owns a block are equal only as the same word: the vocabulary holds each word
  // once, and a string short enough to be inline is always inline.
  friend bool operator==(const Text& a, const Text& b) {
    if (a.bits_ == b.bits_) return true;
    if ((a.bits_ & kTagMask) != kOwned && (b.bits_ & kTagMask) != kOwned) return false;
    return a.view() == b.view();
  }
  friend bool operator==(const Text& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const Text& a, const char* b) { return a.view() == std::string_view(b); }
  friend bool operator==(const Text& a, const std::string& b) { return a.view() == std::string_view(b); }
  friend std::strong_ordering operator<=>(const Text& a, const Text& b) { return a.view() <=> b.view(); }
  friend std::strong_ordering operator<=>(const Text& a, std::string_view b) { return a.view() <=> b; }
  friend std::strong_ordering operator<=>(const Text& a, const std::string& b) {
    return a.view() <=> std::string_view(b);
  }
  friend std::strong_ordering operator<=>(const Text& a, const char* b) {
    return a.view() <=> std::string_view(b);
  }

 private:
  // 0: empty. Low two bits 00: a `const std::string*` of the vocabulary. 01: an owned block (a uint32 length,
  // then the bytes). 10: inline, the low byte holding the length (shifted by 2) and the next 7 the bytes.
  static constexpr std::uintptr_t kTagMask = 3;
  static constexpr std::uintptr_t kOwned = 1;
  static constexpr std::uintptr_t kInline = 2;
  static std::uintptr_t own(std::string_view s);
  static std::uintptr_t copy_owned(std::uintptr_t bits) { return own(view_of(bits)); }
  static void free_owned(std::uintptr_t bits);
  // `bits` by reference: an inline Text's bytes are those of the word itself.
  static std::string_view view_of(const std::uintptr_t& bits) {
    switch (bits & kTagMask) {
      case kOwned: {
        const char* block = reinterpret_cast<const char*>(bits & ~kTagMask);
        std::uint32_t n = 0;
        std::memcpy(&n, block, sizeof n);
        return {block + sizeof n, n};
      }
      case kInline:
        return {reinterpret_cast<const char*>(&bits) + 1, (bits & 0xff) >> 2};
      default:
        return bits == 0 ? std::string_view() : std::string_view(*reinterpret_cast<const std::string*>(bits));
    }
  }
  std::uintptr_t bits_ = 0;
};

std::ostream& operator<<(std::ostream& out, const Text& t);
/// A Text in JSON is its string.
void to_json(nlohmann::json& j, const Text& t);

inline std::string operator+(const std::string& a, const Text& b) { return a + std::string(b.view()); }
inline std::string operator+(const char* a, const Text& b) { return a + std::string(b.view()); }
inline std::string operator+(const Text& a, const std::string& b) { return std::string(a.view()) + b; }
inline std::string operator+(const Text& a, const char* b) { return std::string(a.view()) + b; }

}  // namespace permitflow
