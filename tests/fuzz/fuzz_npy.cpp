// .npy reader: magic, version, header dict (descr, fortran_order, shape), data.
#include "fuzz_common.h"
#include "util/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return rknnc::fuzz::reject_errors([&] { rknnc::parse_npy(rknnc::fuzz::as_string(data, size), "fuzz.npy"); });
}
