#pragma once
// Checks put in front of libonnx's own shape inference functions where they
// read past what a malformed node provides (ONNX 1.12, Debian 12).

namespace rknnc::frontends::onnx_detail {

// Idempotent; call before onnx::shape_inference::InferShapes.
void install_inference_guards();

}  // namespace rknnc::frontends::onnx_detail
