#pragma once
// NC1HWC2, the RKNPU feature-map layout (004 §5.1): C is cut into C1 =
// ceil(C / C2) blocks of C2 channels; element (n, c, h, w) lives at
// ((n·C1 + c / C2)·H·W + h·W + w)·C2 + c % C2. The last block is zero-padded.
// Also the packed weight layout the NPU reads (docs/rknn-format.md).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rknnc::compiler {

inline constexpr const char* kNc1hwc2 = "NC1HWC2";
inline constexpr const char* kNchw = "NCHW";

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Bytes of an [N, C, H, W] tensor stored as NC1HWC2.
int64_t nc1hwc2_bytes(const std::vector<int64_t>& nchw, int c2, size_t elem_size);
// NCHW → NC1HWC2 (`dst` holds nc1hwc2_bytes; padding channels become 0) and back.
void pack_nc1hwc2(const void* src, void* dst, const std::vector<int64_t>& nchw, int c2, size_t elem_size);
void unpack_nc1hwc2(const void* src, void* dst, const std::vector<int64_t>& nchw, int c2, size_t elem_size);

// Conv weights [O, I, KH, KW] as the NPU reads them: for each output channel
// the input channels in C2 blocks, "O I1 KH KW I2", matching the NC1HWC2
// input it multiplies. Depthwise weights ([C, 1, KH, KW]) already follow
// their output channel and are not repacked.
inline constexpr const char* kWeightLayout = "OI1HWI2";
int64_t packed_weight_bytes(const std::vector<int64_t>& oihw, int c2, size_t elem_size);
void pack_weights(const void* src, void* dst, const std::vector<int64_t>& oihw, int c2, size_t elem_size);
void unpack_weights(const void* src, void* dst, const std::vector<int64_t>& oihw, int c2, size_t elem_size);

// "NC1HWC2" → bytes of `shape` in it; "NCHW" / "" → dense bytes.
int64_t layout_bytes(const std::string& layout, const std::vector<int64_t>& shape, int c2, size_t elem_size);

}  // namespace rknnc::compiler
