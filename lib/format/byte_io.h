#pragma once
// Little-endian, fixed-width primitives of the .rknn container: a growing
// ByteWriter and a bounds-checked ByteReader. Every ByteReader read checks
// the bytes left first and fails with a one-line "corrupt .rknn" error naming
// the file and section, so no input can make it read out of bounds or
// allocate more than the file holds.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace rknnc::format {

class ByteWriter {
 public:
  void u8(uint8_t v) { put(v); }
  void u16(uint16_t v) { put(v); }
  void u32(uint32_t v) { put(v); }
  void u64(uint64_t v) { put(v); }
  void i32(int32_t v) { put(static_cast<uint32_t>(v)); }
  void i64(int64_t v) { put(static_cast<uint64_t>(v)); }
  void f32(float v);
  // u32 byte length + bytes (no terminator).
  void str(std::string_view s);
  // u32 element count; fails when a list has more than 2^32-1 elements.
  void count(size_t n, std::string_view what);
  void bytes(const void* data, size_t n) { buf_.append(static_cast<const char*>(data), n); }
  void pad_to(size_t align) { buf_.resize((buf_.size() + align - 1) / align * align, '\0'); }
  void patch_u32(size_t at, uint32_t v) { patch(at, v); }
  void patch_u64(size_t at, uint64_t v) { patch(at, v); }
  size_t size() const { return buf_.size(); }
  const std::string& data() const { return buf_; }
  std::string take() { return std::move(buf_); }

 private:
  template <typename T> void put(T v) {
    for (size_t i = 0; i < sizeof(T); ++i) buf_.push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xFF));
  }
  template <typename T> void patch(size_t at, T v) {
    for (size_t i = 0; i < sizeof(T); ++i) buf_[at + i] = static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xFF);
  }
  std::string buf_;
};

// Reads a little-endian unsigned integer at `at` (caller checked the bounds).
template <typename T>
T load_le(std::string_view data, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(data[at + i])) << (8 * i);
  return static_cast<T>(v);
}

// True when s is well-formed UTF-8 (no overlongs, surrogates or code points
// above U+10FFFF).
bool is_valid_utf8(std::string_view s);
// s with control characters replaced, cut to 80 bytes: safe to put in a
// one-line error message.
std::string printable(std::string_view s);

// "<what>: corrupt .rknn (<detail>)", for checks outside a ByteReader.
[[noreturn]] void corrupt(const std::string& what, const std::string& detail);

class ByteReader {
 public:
  // `file` and `section` name the data in error messages.
  ByteReader(std::string_view data, std::string file, std::string section)
      : data_(data), file_(std::move(file)), section_(std::move(section)) {}

  uint8_t u8(std::string_view field) { return get<uint8_t>(field); }
  uint16_t u16(std::string_view field) { return get<uint16_t>(field); }
  uint32_t u32(std::string_view field) { return get<uint32_t>(field); }
  uint64_t u64(std::string_view field) { return get<uint64_t>(field); }
  int32_t i32(std::string_view field) { return static_cast<int32_t>(get<uint32_t>(field)); }
  int64_t i64(std::string_view field) { return static_cast<int64_t>(get<uint64_t>(field)); }
  float f32(std::string_view field);
  // A length-prefixed string; must be valid UTF-8.
  std::string str(std::string_view field);
  // A u32 element count; checks count × min_element_bytes against the bytes
  // left before the caller allocates anything.
  size_t count(std::string_view field, size_t min_element_bytes);
  std::string_view bytes(size_t n, std::string_view field);
  size_t remaining() const { return data_.size() - pos_; }
  size_t pos() const { return pos_; }
  void expect_end();
  [[noreturn]] void corrupt(const std::string& detail) const;

 private:
  template <typename T> T get(std::string_view field) {
    need(sizeof(T), field);
    T v = load_le<T>(data_, pos_);
    pos_ += sizeof(T);
    return v;
  }
  void need(uint64_t n, std::string_view field);
  std::string_view data_;
  size_t pos_ = 0;
  std::string file_, section_;
};

}  // namespace rknnc::format
