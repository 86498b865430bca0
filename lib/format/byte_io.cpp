#include "format/byte_io.h"

#include <limits>

#include "util/error.h"
#include "util/utf8.h"

namespace rknnc::format {

void ByteWriter::f32(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  u32(bits);
}

void ByteWriter::count(size_t n, std::string_view what) {
  if (n > std::numeric_limits<uint32_t>::max()) fail("cannot write .rknn: {} has {} entries (limit 2^32-1)", what, n);
  u32(static_cast<uint32_t>(n));
}

void ByteWriter::str(std::string_view s) {
  count(s.size(), "a string");
  bytes(s.data(), s.size());
}

bool is_valid_utf8(std::string_view s) { return invalid_utf8_offset(s) == std::string_view::npos; }

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? '?' : c;
  if (s.size() > 80) out += "...";
  return out;
}

void ByteReader::corrupt(const std::string& detail) const {
  fail("{}: corrupt .rknn (section '{}' {})", file_, section_, detail);
}

void ByteReader::need(uint64_t n, std::string_view field) {
  if (n > remaining())
    corrupt(fmt::format("truncated: {} needs {} bytes, {} left at offset {}", field, n, remaining(), pos_));
}

float ByteReader::f32(std::string_view field) {
  const uint32_t bits = u32(field);
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

std::string ByteReader::str(std::string_view field) {
  const uint32_t n = u32(field);
  need(n, field);
  std::string s(data_.substr(pos_, n));
  pos_ += n;
  if (!is_valid_utf8(s)) corrupt(fmt::format("{} is not valid UTF-8 (offset {})", field, pos_ - n));
  return s;
}

size_t ByteReader::count(std::string_view field, size_t min_element_bytes) {
  const uint32_t n = u32(field);
  if (static_cast<uint64_t>(n) * min_element_bytes > remaining())
    corrupt(fmt::format("{} {} does not fit in the {} bytes left at offset {}", field, n, remaining(), pos_));
  return n;
}

std::string_view ByteReader::bytes(size_t n, std::string_view field) {
  need(n, field);
  std::string_view v = data_.substr(pos_, n);
  pos_ += n;
  return v;
}

void ByteReader::expect_end() {
  if (remaining() != 0) corrupt(fmt::format("has {} unexpected bytes after offset {}", remaining(), pos_));
}

}  // namespace rknnc::format
