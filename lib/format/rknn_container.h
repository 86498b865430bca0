#pragma once
// Inside lib/format: writing the container layout and checking which
// sections a model has (the reader of the header is read_container in
// rknn_file.h).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rknnc::format {

struct ContainerSection {
  uint32_t kind = 0;  // layout::SectionKind
  std::string_view bytes;
};

// Header, section table, 64-byte aligned sections in the given order and the
// SHA-256 trailer (docs/rknn-format.md §1).
std::string write_container(const std::vector<ContainerSection>& sections, uint32_t flags);

// The sections of one model (a plain file's, or an encrypted file's readable
// and sealed ones together): each known kind at most once, metadata, graph and
// tensors present, exactly one of weights / weights_zstd, no envelope.
void check_model_sections(const std::vector<uint32_t>& kinds, const std::string& what);

}  // namespace rknnc::format
