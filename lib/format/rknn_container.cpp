// The .rknn container: magic, version, SHA-256 trailer, header CRC and the
// section table, each checked before any section is read
// (docs/rknn-format.md §1), and the writer of the same layout.
#include <fstream>

#include "format/byte_io.h"
#include "format/crc32.h"
#include "format/rknn_container.h"
#include "format/rknn_file.h"
#include "format/rknn_layout.h"
#include "util/error.h"
#include "util/sha256.h"

namespace rknnc::format {
namespace {

// v4+: the SHA-256 trailer covers every byte before it. Checked first, so no
// field of a damaged file (not even the file size or section count) is used.
void check_digest(const std::string& bytes, const std::string& what) {
  if (bytes.size() < layout::kMinHeaderSize + layout::kDigestSize)
    corrupt(what, fmt::format("file is {} bytes, shorter than an empty container: truncated", bytes.size()));
  const size_t body = bytes.size() - layout::kDigestSize;
  const std::string digest = Sha256().update(std::string_view(bytes).substr(0, body)).digest();
  if (digest != std::string_view(bytes).substr(body))
    corrupt(what, "SHA-256 check failed: the file is truncated or damaged; copy or convert it again");
}

}  // namespace

void corrupt(const std::string& what, const std::string& detail) { fail("{}: corrupt .rknn ({})", what, detail); }

std::string_view layout::section_name(uint32_t kind) {
  switch (static_cast<SectionKind>(kind)) {
    case SectionKind::Metadata: return "metadata";
    case SectionKind::Graph: return "graph";
    case SectionKind::Tensors: return "tensors";
    case SectionKind::Weights: return "weights";
    case SectionKind::Program: return "program";
    case SectionKind::WeightsZstd: return "weights_zstd";
    case SectionKind::Envelope: return "envelope";
    case SectionKind::Sealed: return "sealed";
  }
  return "unknown";
}

ContainerInfo read_container(const std::string& bytes, const std::string& what) {
  if (bytes.size() < layout::kMagic.size() || std::string_view(bytes).substr(0, layout::kMagic.size()) != layout::kMagic)
    fail("{}: not a .rknn file (bad magic, expected \"RKNNC\\0\")", what);
  auto too_short = [&] {
    corrupt(what, fmt::format("file is {} bytes, shorter than the {}-byte header: truncated", bytes.size(),
                              layout::kMinHeaderSize));
  };
  // The version comes first: a newer file is reported as such whatever its
  // header looks like.
  if (bytes.size() < layout::kVersionOffset + 4) too_short();
  ContainerInfo info;
  info.version = load_le<uint32_t>(bytes, layout::kVersionOffset);
  if (info.version == 0) corrupt(what, "format version 0");
  if (info.version > kFormatVersion)
    fail("{}: .rknn format version {} is newer than this rknnc reads (version {}); use a newer rknnc", what,
         info.version, kFormatVersion);
  const bool has_digest = info.version >= layout::kFirstDigestVersion;
  if (has_digest) check_digest(bytes, what);
  if (bytes.size() < layout::kMinHeaderSize) too_short();
  const size_t content_end = bytes.size() - (has_digest ? layout::kDigestSize : 0);
  const uint16_t count = load_le<uint16_t>(bytes, layout::kSectionCountOffset);
  info.flags = load_le<uint32_t>(bytes, layout::kFlagsOffset);
  info.file_size = load_le<uint64_t>(bytes, layout::kFileSizeOffset);
  if (info.file_size != bytes.size())
    corrupt(what, fmt::format("file is {} bytes, header says {}: truncated or extended", bytes.size(), info.file_size));
  if (count == 0 || count > layout::kMaxSections)
    corrupt(what, fmt::format("section count {} outside 1..{}", count, layout::kMaxSections));
  const size_t table_end = layout::kTableOffset + count * layout::kEntrySize;
  if (content_end < table_end + 4) corrupt(what, "file ends inside the section table: truncated");
  if (crc32(bytes.data(), table_end) != load_le<uint32_t>(bytes, table_end)) corrupt(what, "header CRC mismatch");
  if ((info.flags & ~layout::kKnownFlags) != 0 || (!has_digest && info.flags != 0))
    fail("{}: .rknn uses features this rknnc does not read (flags {:#x}); use a newer rknnc", what, info.flags);
  uint64_t prev_end = table_end + 4;
  bool seen[layout::kNumKnownSections + 1] = {};
  for (uint16_t i = 0; i < count; ++i) {
    const size_t e = layout::kTableOffset + i * layout::kEntrySize;
    SectionInfo s;
    s.kind = load_le<uint32_t>(bytes, e);
    s.name = layout::section_name(s.kind);
    s.offset = load_le<uint64_t>(bytes, e + 8);
    s.length = load_le<uint64_t>(bytes, e + 16);
    s.crc = load_le<uint32_t>(bytes, e + 24);
    const std::string label = s.name == "unknown" ? fmt::format("#{} (kind {})", i, s.kind) : "'" + s.name + "'";
    if (load_le<uint32_t>(bytes, e + 4) != 0 || load_le<uint32_t>(bytes, e + 28) != 0)
      corrupt(what, fmt::format("section {} has non-zero reserved fields", label));
    if (s.offset % layout::kSectionAlign != 0 || s.offset < prev_end || s.offset > content_end ||
        s.length > content_end - s.offset)
      corrupt(what, fmt::format("section {} at [{}, +{}) is misplaced or outside the {}-byte file", label, s.offset,
                                s.length, bytes.size()));
    for (uint64_t k = prev_end; k < s.offset; ++k)
      if (bytes[k] != '\0') corrupt(what, fmt::format("non-zero padding byte at offset {}", k));
    if (crc32(bytes.data() + s.offset, s.length) != s.crc) corrupt(what, fmt::format("section {} CRC mismatch", label));
    if (s.kind >= 1 && s.kind <= layout::kNumKnownSections) {
      if (seen[s.kind]) corrupt(what, fmt::format("section {} appears twice", label));
      seen[s.kind] = true;
    }
    prev_end = s.offset + s.length;
    info.sections.push_back(std::move(s));
  }
  if (prev_end != content_end)
    corrupt(what, fmt::format("{} unexpected bytes after the last section", content_end - prev_end));
  if (info.encrypted()) {
    for (auto k : {layout::SectionKind::Envelope, layout::SectionKind::Sealed})
      if (!seen[kind_of(k)]) corrupt(what, fmt::format("encrypted file without its '{}' section", layout::section_name(kind_of(k))));
  } else {
    std::vector<uint32_t> kinds;
    for (const auto& s : info.sections) kinds.push_back(s.kind);
    check_model_sections(kinds, what);
  }
  return info;
}

void check_model_sections(const std::vector<uint32_t>& kinds, const std::string& what) {
  bool seen[layout::kNumKnownSections + 1] = {};
  for (uint32_t k : kinds) {
    if (k < 1 || k > layout::kNumKnownSections) continue;  // unknown kinds: later additions, skipped
    if (seen[k]) corrupt(what, fmt::format("section '{}' appears twice", layout::section_name(k)));
    seen[k] = true;
  }
  for (auto k : {layout::SectionKind::Envelope, layout::SectionKind::Sealed})
    if (seen[kind_of(k)]) corrupt(what, fmt::format("section '{}' in a file not flagged as encrypted", layout::section_name(kind_of(k))));
  for (uint32_t k = 1; k <= layout::kNumRequiredSections; ++k)
    if (!seen[k]) corrupt(what, fmt::format("section '{}' is missing", layout::section_name(k)));
  const bool plain = seen[kind_of(layout::SectionKind::Weights)];
  const bool zstd = seen[kind_of(layout::SectionKind::WeightsZstd)];
  if (plain == zstd)
    corrupt(what, plain ? "sections 'weights' and 'weights_zstd' both present" : "section 'weights' is missing");
}

std::string write_container(const std::vector<ContainerSection>& sections, uint32_t flags) {
  const auto n = static_cast<uint16_t>(sections.size());
  ByteWriter w;
  w.bytes(layout::kMagic.data(), layout::kMagic.size());
  w.u32(kFormatVersion);
  w.u16(n);
  w.u32(flags);
  w.u64(0);  // file size, patched below
  const size_t table = w.size();
  for (uint16_t i = 0; i < n; ++i) {
    w.u64(0);
    w.u64(0);
    w.u64(0);
    w.u64(0);
  }
  const size_t header_crc_at = w.size();
  w.u32(0);
  for (uint16_t i = 0; i < n; ++i) {
    w.pad_to(layout::kSectionAlign);
    const size_t entry = table + i * layout::kEntrySize;
    w.patch_u32(entry, sections[i].kind);
    w.patch_u64(entry + 8, w.size());
    w.patch_u64(entry + 16, sections[i].bytes.size());
    w.patch_u32(entry + 24, crc32(sections[i].bytes.data(), sections[i].bytes.size()));
    w.bytes(sections[i].bytes.data(), sections[i].bytes.size());
  }
  w.patch_u64(layout::kFileSizeOffset, w.size() + layout::kDigestSize);
  w.patch_u32(header_crc_at, crc32(w.data().data(), header_crc_at));
  const std::string digest = Sha256().update(w.data()).digest();
  w.bytes(digest.data(), digest.size());
  return w.take();
}

bool is_rknn_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char head[layout::kMagic.size()] = {};
  if (!in.read(head, sizeof head)) return false;
  return std::string_view(head, sizeof head) == layout::kMagic;
}

}  // namespace rknnc::format
