// ONNX loader: bytes -> ModelProto -> ONNX shape inference -> IR graph, with
// the default options of `rknnc convert` (the graph runs once on zero inputs
// to fill and check shapes).
#include "frontends/frontend.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = rknnc::fuzz::write_scratch("model.onnx", rknnc::fuzz::as_string(data, size));
  return rknnc::fuzz::reject_errors([&] { rknnc::frontends::load_onnx(path); });
}
