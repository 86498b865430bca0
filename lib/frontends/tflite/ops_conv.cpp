// Convolutions, fully connected layers and pooling: NCHW in and out, weights
// transposed from TFLite's OHWI, SAME padding made explicit.
#include <fmt/ranges.h>

#include <algorithm>

#include "frontends/tflite/ops.h"

namespace rknnc::frontends::tflite {
namespace {

struct ConvWindow {
  int64_t kh, kw, sh, sw, dh = 1, dw = 1;
  fb::Padding padding;
};

// ONNX pads {top, left, bottom, right} of a TFLite window over input [N,H,W,C].
std::vector<int64_t> explicit_pads(const std::vector<int64_t>& in, const ConvWindow& w) {
  if (w.padding == fb::Padding::VALID) return {0, 0, 0, 0};
  auto total = [](int64_t size, int64_t k, int64_t s, int64_t d) {
    const int64_t out = (size + s - 1) / s;
    return std::max<int64_t>((out - 1) * s + (k - 1) * d + 1 - size, 0);
  };
  const int64_t th = total(in[1], w.kh, w.sh, w.dh), tw = total(in[2], w.kw, w.sw, w.dw);
  return {th / 2, tw / 2, th - th / 2, tw - tw / 2};
}

std::vector<onnx::AttributeProto> window_attrs(const std::vector<int64_t>& in, const ConvWindow& w) {
  std::vector<onnx::AttributeProto> a = {attr_ints("kernel_shape", {w.kh, w.kw}), attr_ints("strides", {w.sh, w.sw}),
                                         attr_ints("pads", explicit_pads(in, w))};
  if (w.dh != 1 || w.dw != 1) a.push_back(attr_ints("dilations", {w.dh, w.dw}));
  return a;
}

void check_window(Translation& t, const ConvWindow& w) {
  for (int64_t v : {w.kh, w.kw, w.sh, w.sw, w.dh, w.dw})
    if (v < 1) t.fail_op("has a kernel size, stride or dilation below 1; the file is corrupt");
}

void check_rank(Translation& t, int tensor, size_t rank) {
  if (t.rank(tensor) != static_cast<int>(rank))
    t.fail_op(fmt::format("reads '{}' of rank {}, rank {} was expected", t.file.tensor_name(tensor), t.rank(tensor),
                          rank));
}

// Conv (group from the channel counts) and depthwise conv share this.
void convolution(Translation& t, const ConvWindow& w, const std::vector<int64_t>& weight_perm, int64_t group,
                 fb::ActivationFunctionType act) {
  check_window(t, w);
  const int x = t.in(0), b = t.num_inputs() > 2 ? t.in(2) : -1;
  std::vector<std::string> inputs = {t.nchw(x), t.weight(t.in(1), weight_perm)};
  if (b >= 0) inputs.push_back(t.weight(b, {0}));
  std::vector<onnx::AttributeProto> attrs = window_attrs(t.shape(x), w);
  if (group != 1) attrs.push_back(attr_int("group", group));
  t.define(0, t.node("Conv", inputs, attrs), true, act);
}

// CONV_2D (OHWI weights, groups from the channel counts) and
// DEPTHWISE_CONV_2D (1HW(C·m) weights, one group per input channel).
template <typename Options, bool kDepthwise>
void conv(Translation& t) {
  const auto& o = options<Options>(t);
  check_rank(t, t.in(0), 4);
  check_rank(t, t.in(1), 4);
  const auto ws = t.shape(t.in(1));
  const int64_t cin = t.shape(t.in(0))[3];
  const int64_t group = kDepthwise ? cin : ws[3] > 0 && cin % ws[3] == 0 ? cin / ws[3] : 0;
  if (group <= 0 || (kDepthwise && ws[3] % cin != 0))
    t.fail_op(fmt::format("has {} input channels and weights of shape [{}]; the file is corrupt", cin,
                          fmt::join(ws, ", ")));
  convolution(t, {ws[1], ws[2], o.stride_h(), o.stride_w(), o.dilation_h_factor(), o.dilation_w_factor(), o.padding()},
              kDepthwise ? std::vector<int64_t>{3, 0, 1, 2} : std::vector<int64_t>{0, 3, 1, 2}, group,
              o.fused_activation_function());
}

void transpose_conv(Translation& t) {
  const auto& o = options<fb::TransposeConvOptions>(t);
  const int x = t.in(2), w = t.in(1), b = t.num_inputs() > 3 ? t.in(3) : -1;
  check_rank(t, x, 4);
  check_rank(t, w, 4);
  const auto ws = t.shape(w), xs = t.shape(x), ys = t.shape(t.out(0));
  const ConvWindow win{ws[1], ws[2], o.stride_h(), o.stride_w(), 1, 1, o.padding()};
  check_window(t, win);
  std::vector<int64_t> pads(4, 0), extra(2, 0);
  const int64_t in[2] = {xs[1], xs[2]}, out[2] = {ys[1], ys[2]}, k[2] = {win.kh, win.kw}, s[2] = {win.sh, win.sw};
  for (int i = 0; i < 2; ++i) {
    const int64_t total = (in[i] - 1) * s[i] + k[i] - out[i];
    if (total >= 0) pads[i] = total / 2, pads[i + 2] = total - total / 2;
    else extra[i] = -total;
  }
  std::vector<std::string> inputs = {t.nchw(x), t.weight(w, {3, 0, 1, 2})};
  if (b >= 0) inputs.push_back(t.weight(b, {0}));
  std::vector<onnx::AttributeProto> attrs = {attr_ints("kernel_shape", {win.kh, win.kw}),
                                             attr_ints("strides", {win.sh, win.sw}), attr_ints("pads", pads)};
  if (extra[0] || extra[1]) attrs.push_back(attr_ints("output_padding", extra));
  t.define(0, t.node("ConvTranspose", inputs, attrs), true, o.fused_activation_function());
}

void fully_connected(Translation& t) {
  const auto& o = options<fb::FullyConnectedOptions>(t);
  const int x = t.in(0), w = t.in(1), b = t.num_inputs() > 2 ? t.in(2) : -1;
  check_rank(t, w, 2);
  const int64_t k = t.shape(w)[1];
  std::string in;
  if (t.rank(x) == 2) {
    in = t.native(x);
  } else {  // TFLite flattens the input to [-1, K]
    const std::string src = t.rank(x) == 4 && t.has_nchw(x) && t.layout_free(x) ? t.nchw(x) : t.native(x);
    in = t.node("Reshape", {src, t.const_ints({-1, k})});
  }
  std::vector<std::string> inputs = {in, t.weight(w, {0, 1})};
  if (b >= 0) inputs.push_back(t.weight(b, {0}));
  std::string y = t.node("Gemm", inputs, {attr_int("transB", 1)});
  const auto ys = t.shape(t.out(0));
  if (ys.size() != 2) y = t.node("Reshape", {y, t.const_ints(ys)});
  t.define(0, y, false, o.fused_activation_function());
}

template <bool kMax>
void pool_2d(Translation& t) {
  const auto& o = options<fb::Pool2DOptions>(t);
  const int x = t.in(0);
  check_rank(t, x, 4);
  const ConvWindow w{o.filter_height(), o.filter_width(), o.stride_h(), o.stride_w(), 1, 1, o.padding()};
  check_window(t, w);
  t.define(0, t.node(kMax ? "MaxPool" : "AveragePool", {t.nchw(x)}, window_attrs(t.shape(x), w)), true,
           o.fused_activation_function());
}

}  // namespace

void add_conv_ops(std::map<fb::BuiltinOperator, OpTranslation>& table) {
  table[fb::BuiltinOperator::CONV_2D] = conv<fb::Conv2DOptions, false>;
  table[fb::BuiltinOperator::DEPTHWISE_CONV_2D] = conv<fb::DepthwiseConv2DOptions, true>;
  table[fb::BuiltinOperator::TRANSPOSE_CONV] = transpose_conv;
  table[fb::BuiltinOperator::FULLY_CONNECTED] = fully_connected;
  table[fb::BuiltinOperator::AVERAGE_POOL_2D] = pool_2d<false>;
  table[fb::BuiltinOperator::MAX_POOL_2D] = pool_2d<true>;
}

}  // namespace rknnc::frontends::tflite
