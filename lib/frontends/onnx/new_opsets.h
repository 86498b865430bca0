#pragma once
// Opsets 18–21 on the protobuf, before shape inference. The ONNX library
// rknnc builds with knows schemas up to opset 17; a node in a newer form would
// be inferred with its opset-17 schema (a ReduceMean-18 whose axes are an
// input reduces every axis under ReduceMean-13), so:
//  - Reduce* axes given as a constant input become the `axes` attribute (the
//    opset-13 form the IR uses; an empty list with noop_with_empty_axes is an
//    Identity);
//  - nodes whose new form the opset-17 schema would infer wrongly (Pad with
//    axes, Resize with axes / keep_aspect_ratio_policy / antialias, Reduce*
//    with computed axes, AveragePool with dilations, Split with num_outputs,
//    GridSample in N-D or opset-20 mode names) are hidden from inference and
//    get their shapes by execution (their kernels read the new forms);
//  - types and attributes rknnc cannot honour (float8 / 4-bit casts, blocked
//    quantisation) are one-line errors naming the node.
// The model's ai.onnx import is then lowered to 17 for the inference run.
#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

namespace rknnc::frontends::onnx_detail {

constexpr int64_t kNewestInferredOpset = 17;  // newest opset the ONNX library's schemas know

// Returns the indices of nodes hidden from inference (their domain is set to
// a private one); restore_hidden_nodes gives them back their domain.
std::vector<int> lower_new_opsets(onnx::ModelProto& m, int64_t opset, const std::string& file);
void restore_hidden_nodes(onnx::GraphProto& g, const std::vector<int>& hidden);

}  // namespace rknnc::frontends::onnx_detail
