// dataset.txt parser. The first byte is the model's input count (0..3); the
// rest is the list, read from a folder that holds a.jpg, b.png, c.npy and
// d.bmp so that valid lines exist.
#include "dataset/dataset_list.h"
#include "fuzz_common.h"

namespace {
void make_sample_files() {
  static const bool made = [] {
    for (const char* name : {"a.jpg", "b.png", "c.npy", "d.bmp"}) rknnc::fuzz::write_scratch(name, "x");
    return true;
  }();
  (void)made;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  make_sample_files();
  const auto list = rknnc::fuzz::write_scratch("dataset.txt", rknnc::fuzz::as_string(data + 1, size - 1));
  return rknnc::fuzz::reject_errors([&] { rknnc::dataset::read_dataset_list(list, data[0] % 4); });
}
