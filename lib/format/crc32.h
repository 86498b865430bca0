#pragma once
// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, init and final xor
// 0xFFFFFFFF) — the same value as zlib's crc32(). Written here (table-driven,
// 20 lines) rather than adding zlib as a dependency for one function.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rknnc::format {

uint32_t crc32(const void* data, size_t size, uint32_t crc = 0);
inline uint32_t crc32(std::string_view s) { return crc32(s.data(), s.size()); }

}  // namespace rknnc::format
