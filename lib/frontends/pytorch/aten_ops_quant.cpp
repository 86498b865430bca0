// Quantised TorchScript (torch.ao.quantization convert): the packed weights
// arrive unpacked (torchscript_walk.cpp) as int8 constants with their scales
// and zero points; each op is its float op here, and OnnxBuilder::convert
// puts the DequantizeLinear before and the QuantizeLinear after it with
// torch's parameters, so the QDQ import keeps them.
#include "frontends/pytorch/aten_args.h"

namespace rknnc::frontends::pytorch {
namespace {

void q_relu_after(OnnxBuilder& b, const std::string& x) { b.node("Relu", {x}, {b.out()}); }

// quantized::conv2d(qx, weight, bias, stride, padding, dilation, groups, scale, zero_point)
void q_conv(OnnxBuilder& b, const TorchNode& n, bool relu) {
  ConvGeometry geo;
  geo.stride = ints_arg(b, n, 3);
  geo.padding = ints_arg(b, n, 4);
  geo.dilation = ints_arg(b, n, 5);
  geo.groups = int_arg(b, n, 6);
  const std::string out = relu ? b.out() + "__conv" : b.out();
  emit_conv(b, b.in(arg(n, 0)), arg(n, 1), arg(n, 2), geo, out);
  if (relu) q_relu_after(b, out);
}

// quantized::linear(qx, weight, bias, scale, zero_point)
void q_linear(OnnxBuilder& b, const TorchNode& n, bool relu) {
  const std::string out = relu ? b.out() + "__linear" : b.out();
  emit_linear(b, arg(n, 0), arg(n, 1), arg(n, 2), out);
  if (relu) q_relu_after(b, out);
}

// quantized::add / mul(qa, qb, scale, zero_point)
void q_binary(OnnxBuilder& b, const TorchNode& n, const char* op, bool relu) {
  const std::string out = relu ? b.out() + "__" + op : b.out();
  b.node(op, {b.in(arg(n, 0)), b.in(arg(n, 1))}, {out});
  if (relu) q_relu_after(b, out);
}

// quantized::cat(tensors, dim, scale, zero_point)
void q_cat(OnnxBuilder& b, const TorchNode& n) {
  const int64_t rank = static_cast<int64_t>(b.out_shape().size());
  set_attr(b.node("Concat", b.ins(arg(n, 0)), {b.out()}), "axis", axis_arg(b, n, 1, rank));
}

void q_same(OnnxBuilder& b, const TorchNode& n) { b.alias(b.in(arg(n, 0))); }

}  // namespace

void add_quantized_mappings(std::map<std::string, AtenMapping>& t) {
  t["quantized::conv2d"] = [](OnnxBuilder& b, const TorchNode& n) { q_conv(b, n, false); };
  t["quantized::conv2d_relu"] = [](OnnxBuilder& b, const TorchNode& n) { q_conv(b, n, true); };
  t["quantized::linear"] = [](OnnxBuilder& b, const TorchNode& n) { q_linear(b, n, false); };
  t["quantized::linear_relu"] = [](OnnxBuilder& b, const TorchNode& n) { q_linear(b, n, true); };
  t["quantized::add"] = [](OnnxBuilder& b, const TorchNode& n) { q_binary(b, n, "Add", false); };
  t["quantized::add_relu"] = [](OnnxBuilder& b, const TorchNode& n) { q_binary(b, n, "Add", true); };
  t["quantized::mul"] = [](OnnxBuilder& b, const TorchNode& n) { q_binary(b, n, "Mul", false); };
  t["quantized::cat"] = q_cat;
  t["quantized::hardswish"] = [](OnnxBuilder& b, const TorchNode& n) { b.node("HardSwish", {b.in(arg(n, 0))}, {b.out()}); };
  // The quantisation itself: QuantizeLinear / DequantizeLinear come from the
  // tensors' types, so both ops pass their input on.
  t["aten::quantize_per_tensor"] = q_same;
  t["aten::dequantize"] = q_same;
}

}  // namespace rknnc::frontends::pytorch
