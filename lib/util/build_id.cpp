#include "util/build_id.h"

#include <elf.h>
#include <link.h>

#include <cstring>

#include "util/strings.h"

namespace rknnc {
namespace {

// Walks the notes of one PT_NOTE segment; returns the GNU build ID in hex.
std::string find_build_id(const unsigned char* p, size_t size) {
  size_t at = 0;
  const auto align4 = [](size_t v) { return (v + 3) & ~size_t{3}; };
  while (at + sizeof(ElfW(Nhdr)) <= size) {
    ElfW(Nhdr) h;
    std::memcpy(&h, p + at, sizeof h);
    const size_t name_at = at + sizeof h, desc_at = name_at + align4(h.n_namesz);
    if (desc_at + h.n_descsz > size) break;
    if (h.n_type == NT_GNU_BUILD_ID && h.n_namesz == 4 && std::memcmp(p + name_at, "GNU", 4) == 0) {
      return to_hex(std::string_view(reinterpret_cast<const char*>(p + desc_at), h.n_descsz));
    }
    at = desc_at + align4(h.n_descsz);
  }
  return {};
}

int visit_main_program(dl_phdr_info* info, size_t, void* data) {
  auto* out = static_cast<std::string*>(data);
  for (int i = 0; i < info->dlpi_phnum && out->empty(); ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_NOTE)
      *out = find_build_id(reinterpret_cast<const unsigned char*>(info->dlpi_addr + ph.p_vaddr), ph.p_memsz);
  }
  return 1;  // the first object listed is the program itself
}

}  // namespace

std::string build_id() {
  static const std::string id = [] {
    std::string found;
    dl_iterate_phdr(visit_main_program, &found);
    return found;
  }();
  return id;
}

}  // namespace rknnc
