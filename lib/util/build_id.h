#pragma once
// The GNU build ID of the running rknnc binary (the linker's NT_GNU_BUILD_ID
// note, hex), "" when it has none. Two builds of the same version differ in
// it, so incremental batch records can tell them apart.
#include <string>

namespace rknnc {

std::string build_id();

}  // namespace rknnc
