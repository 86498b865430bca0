#pragma once
// `rknnc export-qdq MODEL.rknn -o OUT.onnx`: the quantised model as a
// standard ONNX QDQ model (quant/qdq_export.h), written atomically. It takes
// the same raw inputs as the .rknn (mean/std are in its graph).
#include <filesystem>

namespace rknnc::driver {

void export_qdq(const std::filesystem::path& rknn, const std::filesystem::path& out);

}  // namespace rknnc::driver
