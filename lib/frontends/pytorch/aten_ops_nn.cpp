// Layers: convolution, normalisation, pooling, linear algebra, softmax,
// resizing and reductions, in the ONNX form torch.onnx.export writes.
#include <cmath>

#include "frontends/pytorch/aten_args.h"

namespace rknnc::frontends::pytorch {

void emit_conv(OnnxBuilder& b, const std::string& x, const Arg& weight, const Arg& bias, const ConvGeometry& geo,
               const std::string& out) {
  const ir::Shape& w = b.info_of(weight).shape;
  const size_t spatial = w.size() - 2;
  auto expand = [&](std::vector<int64_t> v, int64_t fill) {
    if (v.empty()) v.assign(spatial, fill);
    if (v.size() == 1) v.assign(spatial, v[0]);
    return v;
  };
  const auto dilation = expand(geo.dilation, 1);
  std::vector<int64_t> pads(2 * spatial);
  const auto padding = expand(geo.padding, 0);
  for (size_t i = 0; i < spatial; ++i) {
    const int64_t total = geo.same ? dilation[i] * (w[2 + i] - 1) : 2 * padding[i];
    pads[i] = geo.same ? total / 2 : padding[i];
    pads[spatial + i] = total - pads[i];
  }
  std::vector<std::string> inputs{x, b.in(weight)};
  if (bias.kind == Arg::Kind::Tensor) inputs.push_back(b.in(bias));
  auto& n = b.node(geo.transposed ? "ConvTranspose" : "Conv", inputs, {out});
  set_attr(n, "dilations", dilation);
  set_attr(n, "group", geo.groups);
  set_attr(n, "kernel_shape", std::vector<int64_t>(w.begin() + 2, w.end()));
  if (geo.transposed) set_attr(n, "output_padding", expand(geo.output_padding, 0));
  set_attr(n, "pads", pads);
  set_attr(n, "strides", expand(geo.stride, 1));
}

void emit_linear(OnnxBuilder& b, const Arg& x, const Arg& weight, const Arg& bias, const std::string& out) {
  const bool has_bias = bias.kind == Arg::Kind::Tensor;
  if (b.rank(x) == 2 && has_bias) {
    auto& n = b.node("Gemm", {b.in(x), b.in(weight), b.in(bias)}, {out});
    set_attr(n, "transB", int64_t{1});
    return;
  }
  std::string wt;
  if (b.is_constant(weight) && !b.info_of(weight).quant) {  // folded, as torch.onnx.export's constant folding does
    const ir::Tensor& w = b.constant(weight);
    const int64_t rows = w.shape()[0], cols = w.shape()[1];
    std::vector<float> t(static_cast<size_t>(rows * cols));
    const float* src = w.data<float>();
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) t[static_cast<size_t>(c * rows + r)] = src[r * cols + c];
    wt = b.tensor(ir::Tensor::from<float>({cols, rows}, t));
  } else {
    auto& tn = b.node("Transpose", {b.in(weight)}, {b.out() + "_wt"});
    set_attr(tn, "perm", std::vector<int64_t>{1, 0});
    wt = b.out() + "_wt";
  }
  if (!has_bias) {
    b.node("MatMul", {b.in(x), wt}, {out});
    return;
  }
  b.node("Add", {b.step("MatMul", {b.in(x), wt}), b.in(bias)}, {out});
}

namespace {

ConvGeometry conv_geometry(OnnxBuilder& b, const TorchNode& n, size_t stride, size_t padding, size_t dilation,
                           size_t groups) {
  ConvGeometry geo;
  geo.stride = ints_arg(b, n, stride);
  if (arg(n, padding).kind == Arg::Kind::String) {
    const std::string& mode = arg(n, padding).s;
    if (mode != "same" && mode != "valid") b.unsupported("padding mode '" + mode + "'");
    geo.same = mode == "same";
  } else {
    geo.padding = ints_arg(b, n, padding);
  }
  geo.dilation = ints_arg(b, n, dilation);
  geo.groups = int_arg(b, n, groups);
  return geo;
}

// aten::_convolution(x, w, b, stride, padding, dilation, transposed, output_padding, groups, …)
void convolution(OnnxBuilder& b, const TorchNode& n) {
  ConvGeometry geo = conv_geometry(b, n, 3, 4, 5, 8);
  geo.transposed = int_arg(b, n, 6) != 0;
  geo.output_padding = ints_arg(b, n, 7);
  emit_conv(b, b.in(arg(n, 0)), arg(n, 1), arg(n, 2), geo, b.out());
}

// aten::conv1d / conv2d(x, w, b, stride, padding, dilation, groups)
void conv(OnnxBuilder& b, const TorchNode& n) {
  emit_conv(b, b.in(arg(n, 0)), arg(n, 1), arg(n, 2), conv_geometry(b, n, 3, 4, 5, 6), b.out());
}

// aten::conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation)
void conv_transpose(OnnxBuilder& b, const TorchNode& n) {
  ConvGeometry geo = conv_geometry(b, n, 3, 4, 7, 6);
  geo.transposed = true;
  geo.output_padding = ints_arg(b, n, 5);
  emit_conv(b, b.in(arg(n, 0)), arg(n, 1), arg(n, 2), geo, b.out());
}

std::string ones_or(OnnxBuilder& b, const TorchNode& n, size_t i, int64_t count, float fill) {
  if (!is_none(n, i)) return b.in(arg(n, i));
  return b.floats(std::vector<float>(static_cast<size_t>(count), fill));
}

// aten::batch_norm(x, weight, bias, mean, var, training, momentum, eps, cudnn)
void batch_norm(OnnxBuilder& b, const TorchNode& n) {
  const int64_t c = b.info_of(arg(n, 0)).shape.at(1);
  auto& bn = b.node("BatchNormalization",
                    {b.in(arg(n, 0)), ones_or(b, n, 1, c, 1), ones_or(b, n, 2, c, 0), b.in(arg(n, 3)), b.in(arg(n, 4))},
                    {b.out()});
  set_attr(bn, "epsilon", static_cast<float>(float_arg(b, n, 7)));
  set_attr(bn, "momentum", static_cast<float>(1 - float_arg(b, n, 6)));
}

// aten::layer_norm(x, normalized_shape, weight, bias, eps, cudnn)
void layer_norm(OnnxBuilder& b, const TorchNode& n) {
  const auto dims = ints_arg(b, n, 1);
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  auto& ln = b.node("LayerNormalization", {b.in(arg(n, 0)), ones_or(b, n, 2, count, 1), ones_or(b, n, 3, count, 0)},
                    {b.out()});
  set_attr(ln, "axis", -static_cast<int64_t>(dims.size()));
  set_attr(ln, "epsilon", static_cast<float>(float_arg(b, n, 4)));
}

void pool_attrs(OnnxBuilder& b, const TorchNode& n, onnx::NodeProto& p, size_t spatial, bool ceil) {
  const auto kernel = ints_arg(b, n, 1, spatial);
  auto stride = ints_arg(b, n, 2, spatial);
  if (stride.empty()) stride = kernel;
  const auto pad = ints_arg(b, n, 3, spatial);
  std::vector<int64_t> pads(pad);
  pads.insert(pads.end(), pad.begin(), pad.end());
  set_attr(p, "ceil_mode", static_cast<int64_t>(ceil));
  set_attr(p, "kernel_shape", kernel);
  set_attr(p, "pads", pads);
  set_attr(p, "strides", stride);
}

// aten::max_pool2d(x, kernel, stride, padding, dilation, ceil_mode)
void max_pool(OnnxBuilder& b, const TorchNode& n) {
  const size_t spatial = static_cast<size_t>(b.rank(arg(n, 0)) - 2);
  const auto dilation = ints_arg(b, n, 4, spatial);
  if (std::any_of(dilation.begin(), dilation.end(), [](int64_t d) { return d != 1; })) b.unsupported("dilated max pooling");
  auto& p = b.node("MaxPool", {b.in(arg(n, 0))}, {b.out()});
  pool_attrs(b, n, p, spatial, int_arg(b, n, 5) != 0);
}

// aten::avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
void avg_pool(OnnxBuilder& b, const TorchNode& n) {
  if (!is_none(n, 6)) b.unsupported("divisor_override");
  auto& p = b.node("AveragePool", {b.in(arg(n, 0))}, {b.out()});
  pool_attrs(b, n, p, static_cast<size_t>(b.rank(arg(n, 0)) - 2), int_arg(b, n, 4) != 0);
  set_attr(p, "count_include_pad", int_arg(b, n, 5));
}

// aten::adaptive_avg_pool2d / adaptive_max_pool2d(x, output_size): global, or
// a plain pool when the output size divides the input size.
void adaptive_pool(OnnxBuilder& b, const TorchNode& n, bool max) {
  const ir::Shape& in = b.info_of(arg(n, 0)).shape;
  const ir::Shape& out = b.out_shape();
  if (std::all_of(out.begin() + 2, out.end(), [](int64_t d) { return d == 1; })) {
    b.node(max ? "GlobalMaxPool" : "GlobalAveragePool", {b.in(arg(n, 0))}, {b.out()});
    return;
  }
  std::vector<int64_t> kernel;
  for (size_t i = 2; i < in.size(); ++i) {
    if (in[i] % out[i]) b.unsupported(fmt::format("adaptive pooling from {} to {}", in[i], out[i]));
    kernel.push_back(in[i] / out[i]);
  }
  auto& p = b.node(max ? "MaxPool" : "AveragePool", {b.in(arg(n, 0))}, {b.out()});
  set_attr(p, "kernel_shape", kernel);
  set_attr(p, "strides", kernel);
}

void linear(OnnxBuilder& b, const TorchNode& n) { emit_linear(b, arg(n, 0), arg(n, 1), arg(n, 2), b.out()); }

void matmul(OnnxBuilder& b, const TorchNode& n) { b.node("MatMul", {b.in(arg(n, 0)), b.in(arg(n, 1))}, {b.out()}); }

// aten::addmm(bias, a, b, beta, alpha) → Gemm
void addmm(OnnxBuilder& b, const TorchNode& n) {
  auto& g = b.node("Gemm", {b.in(arg(n, 1)), b.in(arg(n, 2)), b.in(arg(n, 0))}, {b.out()});
  set_attr(g, "alpha", static_cast<float>(float_arg(b, n, 4)));
  set_attr(g, "beta", static_cast<float>(float_arg(b, n, 3)));
}

// aten::baddbmm(input, b1, b2, beta, alpha) = beta * input + alpha * (b1 @ b2)
void baddbmm(OnnxBuilder& b, const TorchNode& n) {
  const double beta = float_arg(b, n, 3), alpha = float_arg(b, n, 4);
  std::string prod = b.step("MatMul", {b.in(arg(n, 1)), b.in(arg(n, 2))});
  if (alpha != 1) prod = b.step("Mul", {prod, b.floats({static_cast<float>(alpha)}, true)});
  std::string add = b.in(arg(n, 0));
  if (beta != 1) add = b.step("Mul", {add, b.floats({static_cast<float>(beta)}, true)});
  b.node("Add", {prod, add}, {b.out()});
}

void softmax(OnnxBuilder& b, const TorchNode& n, const char* op) {
  auto& s = b.node(op, {b.in(arg(n, 0))}, {b.out()});
  set_attr(s, "axis", axis_arg(b, n, 1, b.rank(arg(n, 0))));
}

// aten::upsample_nearest2d / upsample_bilinear2d: Resize to torch's output
// shape, by scales when they are whole numbers (torch's own export).
void upsample(OnnxBuilder& b, const TorchNode& n, bool linear) {
  const ir::Shape& in = b.info_of(arg(n, 0)).shape;
  const ir::Shape& out = b.out_shape();
  std::vector<float> scales;
  bool whole = true;
  for (size_t i = 0; i < in.size(); ++i) {
    scales.push_back(static_cast<float>(out[i]) / static_cast<float>(in[i]));
    whole = whole && out[i] % in[i] == 0;
  }
  const std::string roi = b.floats({});
  auto& r = whole ? b.node("Resize", {b.in(arg(n, 0)), roi, b.floats(scales)}, {b.out()})
                  : b.node("Resize", {b.in(arg(n, 0)), roi, "", b.ints(out)}, {b.out()});
  if (linear) {
    const bool align = int_arg(b, n, 2) != 0;
    set_attr(r, "coordinate_transformation_mode", std::string(align ? "align_corners" : "pytorch_half_pixel"));
    set_attr(r, "mode", std::string("linear"));
  } else {
    set_attr(r, "coordinate_transformation_mode", std::string("asymmetric"));
    set_attr(r, "mode", std::string("nearest"));
    set_attr(r, "nearest_mode", std::string("floor"));
  }
}

// aten::mean / sum(x, dims, keepdim, dtype)
void reduce(OnnxBuilder& b, const TorchNode& n, const char* op) {
  const int64_t rank = b.rank(arg(n, 0));
  std::vector<int64_t> axes;
  if (!is_none(n, 1) && !(arg(n, 1).kind == Arg::Kind::Ints && arg(n, 1).ints.empty()))
    for (int64_t a : ints_arg(b, n, 1)) axes.push_back(a < 0 ? a + rank : a);
  else
    for (int64_t a = 0; a < rank; ++a) axes.push_back(a);
  const bool keep = n.inputs.size() > 2 && arg(n, 2).kind == Arg::Kind::Bool && arg(n, 2).i;
  if (std::string(op) == "ReduceSum") {
    set_attr(b.node(op, {b.in(arg(n, 0)), b.ints(axes)}, {b.out()}), "keepdims", static_cast<int64_t>(keep));
    return;
  }
  auto& r = b.node(op, {b.in(arg(n, 0))}, {b.out()});
  set_attr(r, "axes", axes);
  set_attr(r, "keepdims", static_cast<int64_t>(keep));
}

}  // namespace

void add_nn_mappings(std::map<std::string, AtenMapping>& t) {
  t["aten::_convolution"] = convolution;
  t["aten::conv1d"] = conv;
  t["aten::conv2d"] = conv;
  t["aten::conv_transpose2d"] = conv_transpose;
  t["aten::batch_norm"] = batch_norm;
  t["aten::layer_norm"] = layer_norm;
  t["aten::max_pool2d"] = max_pool;
  t["aten::max_pool1d"] = max_pool;
  t["aten::quantized_max_pool2d"] = max_pool;
  t["aten::avg_pool2d"] = avg_pool;
  t["aten::adaptive_avg_pool2d"] = [](OnnxBuilder& b, const TorchNode& n) { adaptive_pool(b, n, false); };
  t["aten::adaptive_max_pool2d"] = [](OnnxBuilder& b, const TorchNode& n) { adaptive_pool(b, n, true); };
  t["aten::linear"] = linear;
  t["aten::matmul"] = matmul;
  t["aten::bmm"] = matmul;
  t["aten::mm"] = matmul;
  t["aten::addmm"] = addmm;
  t["aten::baddbmm"] = baddbmm;
  t["aten::softmax"] = [](OnnxBuilder& b, const TorchNode& n) { softmax(b, n, "Softmax"); };
  t["aten::log_softmax"] = [](OnnxBuilder& b, const TorchNode& n) { softmax(b, n, "LogSoftmax"); };
  t["aten::upsample_nearest2d"] = [](OnnxBuilder& b, const TorchNode& n) { upsample(b, n, false); };
  t["aten::upsample_bilinear2d"] = [](OnnxBuilder& b, const TorchNode& n) { upsample(b, n, true); };
  t["aten::mean"] = [](OnnxBuilder& b, const TorchNode& n) { reduce(b, n, "ReduceMean"); };
  t["aten::sum"] = [](OnnxBuilder& b, const TorchNode& n) { reduce(b, n, "ReduceSum"); };
}

}  // namespace rknnc::frontends::pytorch
