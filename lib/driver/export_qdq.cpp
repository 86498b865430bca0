#include "driver/export_qdq.h"

#include <algorithm>

#include "format/rknn_file.h"
#include "frontends/onnx_export.h"
#include "quant/qdq_export.h"
#include "util/atomic_file.h"

namespace rknnc::driver {

void export_qdq(const std::filesystem::path& rknn, const std::filesystem::path& out, const format::EncryptionKey* key) {
  const format::RknnModel model = format::read_rknn(rknn, key);
  const ir::Graph qdq = quant::to_qdq_graph(model.graph);
  constexpr int64_t kMinOpset = 13;  // per-axis DequantizeLinear
  StagedOutputs staged;
  staged.add(out, frontends::export_onnx(qdq, std::max(kMinOpset, model.graph.opset)));
  staged.commit();
}

}  // namespace rknnc::driver
