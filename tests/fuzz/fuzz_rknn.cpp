// .rknn reader: container, sections, graph, tensors, program; then the
// summary `rknnc inspect` prints, which reads every field of the model.
#include "format/rknn_file.h"
#include "fuzz_common.h"
#include "report/inspect.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return rknnc::fuzz::reject_errors([&] {
    const auto model = rknnc::format::parse_rknn(rknnc::fuzz::as_string(data, size), "fuzz.rknn");
    rknnc::report::inspect_rknn_model(model);
  });
}
