#include "common/text.hpp"

#include <array>
#include <atomic>
#include <bit>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <ostream>

#include <nlohmann/json.hpp>

#include "common/json_text.hpp"

namespace permitflow {
namespace {

static_assert(sizeof(Text) == 8, "a Text is one word");
static_assert(std::endian::native == std::endian::little, "the inline form keeps its length in the low byte");

constexpr std::size_t kInlineMax = 7;

// The vocabulary: an open-addressing table of pointers that readers probe without a lock. A slot, once set,
// never changes, and the strings it points to live in a deque that never moves or frees them; writers take
// the mutex, and publish a slot with a release store after its string is in place.
constexpr std::size_t kSlots = 1 << 16;  // at most half of them used: 32,768 words

// A word and its JSON string. A Text holds a pointer to the std::string base, which is all view() reads;
// json_string() casts it back to the Word it is part of.
struct Word : std::string {
  explicit Word(std::string_view s) : std::string(s) {
    try {
      json_text::append_string(json, s);
    } catch (const std::exception&) {  // not UTF-8: left empty, written (and refused) as any other text
      json.clear();
    }
  }
  std::string json;
};

struct Vocabulary {
  std::array<std::atomic<const std::string*>, kSlots> slots{};
  std::mutex writer;
  std::deque<Word> words;  // guarded by `writer`
  std::size_t used = 0;    // guarded by `writer`
};

Vocabulary& vocabulary() {
  static auto* v = new Vocabulary;  // never destroyed: Texts in static objects may point into it at exit
  return *v;
}

std::size_t slot_of(std::string_view s) { return std::hash<std::string_view>{}(s) & (kSlots - 1); }

const std::string* find_word(std::string_view s) {
  const Vocabulary& v = vocabulary();
  for (std::size_t i = slot_of(s);; i = (i + 1) & (kSlots - 1)) {
    const std::string* w = v.slots[i].load(std::memory_order_acquire);
    if (w == nullptr) return nullptr;
    if (*w == s) return w;
  }
}

template <class Range>
void add_words(const Range& words) {
  Vocabulary& v = vocabulary();
  const std::scoped_lock lock(v.writer);
  for (std::string_view s : words) {
    if (s.size() <= kInlineMax || v.used >= kSlots / 2) continue;  // inline already; or full
    std::size_t i = slot_of(s);
    const std::string* w = nullptr;
    for (;; i = (i + 1) & (kSlots - 1)) {
      w = v.slots[i].load(std::memory_order_relaxed);
      if (w == nullptr || *w == s) break;
    }
    if (w != nullptr) continue;  // there already
    v.slots[i].store(&v.words.emplace_back(s), std::memory_order_release);
    ++v.used;
  }
}

}  // namespace

// An owned block: a uint32 length, then the bytes (view() reads it inline).
std::uintptr_t Text::own(std::string_view s) {
  auto* raw = static_cast<char*>(::operator new(sizeof(std::uint32_t) + s.size()));
  const auto n = static_cast<std::uint32_t>(s.size());
  std::memcpy(raw, &n, sizeof n);
  std::memcpy(raw + sizeof n, s.data(), s.size());
  return reinterpret_cast<std::uintptr_t>(raw) | kOwned;
}

void Text::free_owned(std::uintptr_t bits) { ::operator delete(reinterpret_cast<char*>(bits & ~kTagMask)); }

Text::Text(std::string_view s) {
  if (s.empty()) return;
  if (s.size() <= kInlineMax) {
    std::uintptr_t bits = (s.size() << 2) | kInline;
    std::memcpy(reinterpret_cast<char*>(&bits) + 1, s.data(), s.size());
    bits_ = bits;
  } else if (const std::string* w = find_word(s)) {
    bits_ = reinterpret_cast<std::uintptr_t>(w);
  } else {
    bits_ = own(s);
  }
}

Text& Text::operator=(const Text& o) {
  if (this != &o) *this = Text(o);
  return *this;
}

Text& Text::operator=(Text&& o) noexcept {
  if (this != &o) {
    this->~Text();
    bits_ = o.bits_;
    o.bits_ = 0;
  }
  return *this;
}

void Text::add_to_vocabulary(std::initializer_list<std::string_view> words) { add_words(words); }
void Text::add_to_vocabulary(const std::vector<std::string>& words) { add_words(words); }
std::ostream& operator<<(std::ostream& out, const Text& t) { return out << t.view(); }
void to_json(nlohmann::json& j, const Text& t) { j = t.view(); }

bool Text::in_vocabulary(std::string_view s) { return find_word(s) != nullptr; }

std::string_view Text::json_string() const {
  if (bits_ == 0 || (bits_ & kTagMask) != 0) return {};
  return static_cast<const Word*>(reinterpret_cast<const std::string*>(bits_))->json;
}

}  // namespace permitflow
