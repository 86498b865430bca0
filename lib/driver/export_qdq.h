#pragma once
// `rknnc export-qdq MODEL.rknn -o OUT.onnx`: the quantised model as a
// standard ONNX QDQ model (quant/qdq_export.h), written atomically. It takes
// the same raw inputs as the .rknn (mean/std are in its graph).
#include <filesystem>

#include "format/envelope.h"

namespace rknnc::driver {

// `key` opens an encrypted .rknn (null: refused, asking for the key).
void export_qdq(const std::filesystem::path& rknn, const std::filesystem::path& out,
                const format::EncryptionKey* key = nullptr);

}  // namespace rknnc::driver
