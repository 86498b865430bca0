#pragma once
#include <cstddef>

namespace rknnc {

// Asks the OS to back the whole 2 MB pages inside [p, p + n) with transparent
// huge pages (512 times fewer page faults when first touched). A hint: no-op
// where the OS has none; nothing outside the buffer is touched, so peak RSS
// does not grow.
void advise_huge_pages(void* p, size_t n);

}  // namespace rknnc
