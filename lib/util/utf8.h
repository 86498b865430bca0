#pragma once
// UTF-8 validation for text read from files (YAML must be UTF-8, as PyYAML
// requires; JSON reports cannot hold anything else).
#include <cstddef>
#include <string_view>

namespace rknnc {

// Offset of the first byte that does not start a valid UTF-8 sequence
// (truncated, overlong, surrogate or past U+10FFFF), or npos when `s` is valid.
size_t invalid_utf8_offset(std::string_view s);

}  // namespace rknnc
