#pragma once
// Byte layout constants of the .rknn container, shared by the writer, the
// reader and the tests. docs/rknn-format.md describes every field.
//
//   0   char[6]  magic "RKNNC\0"
//   6   u32      format version (kFormatVersion)
//   10  u16      section count N (1..kMaxSections)
//   12  u32      flags (kFlagEncrypted; 0 for a plain file)
//   16  u64      file size in bytes
//   24  N × 32   section table: u32 kind, u32 reserved (0), u64 offset,
//                u64 length, u32 CRC-32 of the section bytes, u32 reserved (0)
//   24+32N u32   CRC-32 of bytes [0, 24+32N)
//   then zero padding; every section starts on a 64-byte boundary, sections
//   follow in table order, gaps are zero.
//   v4+: the last 32 bytes are the SHA-256 of every byte before them, checked
//   before anything else in the file is used.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rknnc::format::layout {

inline constexpr std::string_view kMagic{"RKNNC\0", 6};
constexpr size_t kVersionOffset = 6;
constexpr size_t kSectionCountOffset = 10;
constexpr size_t kFlagsOffset = 12;
constexpr size_t kFileSizeOffset = 16;
constexpr size_t kTableOffset = 24;
constexpr size_t kEntrySize = 32;
constexpr size_t kMinHeaderSize = kTableOffset + 4;  // no sections, header CRC only
constexpr uint16_t kMaxSections = 64;
constexpr size_t kSectionAlign = 64;
constexpr uint32_t kFirstDigestVersion = 4;  // files from v4 on end with the SHA-256 trailer
constexpr size_t kDigestSize = 32;
// Header flags. An encrypted file (format/envelope.h) holds the sections its
// level leaves readable, an envelope section and a sealed section.
constexpr uint32_t kFlagEncrypted = 1;
constexpr uint32_t kKnownFlags = kFlagEncrypted;  // every section's file offset
constexpr size_t kWeightAlign = 64;   // every constant's offset inside the weights section

// WeightsZstd (configs.compress_weight) replaces Weights: the same bytes as
// one zstd frame; a file holds exactly one of the two. Envelope and Sealed
// exist only in encrypted files.
enum class SectionKind : uint32_t {
  Metadata = 1, Graph = 2, Tensors = 3, Weights = 4, Program = 5, WeightsZstd = 6, Envelope = 7, Sealed = 8
};
constexpr uint32_t kind_of(SectionKind k) { return static_cast<uint32_t>(k); }  // the table's u32
constexpr uint32_t kNumKnownSections = 8;
constexpr uint32_t kNumRequiredSections = 3;  // metadata, graph, tensors; then weights or weights_zstd; program optional
constexpr int kZstdLevel = 9;  // fixed: the same model gives the same bytes
// Upper bound on the (decompressed) weights a reader accepts from a
// weights_zstd section or a removed-weights model: an allocation limit for
// hostile files, far above any model an RKNN NPU runs.
constexpr uint64_t kMaxWeightBytes = uint64_t{1} << 34;  // 16 GiB
std::string_view section_name(uint32_t kind);  // "metadata", …; "unknown" otherwise

// Attribute payload kinds in the graph section; equal to ir::Attribute's
// variant index (int, float, string, ints, floats, strings, tensor).
enum class AttrKind : uint8_t { Int = 0, Float = 1, String = 2, Ints = 3, Floats = 4, Strings = 5, Tensor = 6 };

// Flags of a tensors-section entry.
constexpr uint8_t kTensorHasShape = 1;      // the value's rank is known
constexpr uint8_t kTensorHasValueInfo = 2;  // the graph lists dtype/shape for it
constexpr uint8_t kTensorConstant = 4;      // bytes live in the weights section
constexpr uint8_t kTensorFlagsMask = 7;

// Flags of an inline tensor (tensor attributes).
constexpr uint8_t kInlineHasData = 1;

constexpr uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

}  // namespace rknnc::format::layout
