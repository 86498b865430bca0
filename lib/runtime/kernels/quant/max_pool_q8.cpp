// Quantised MaxPool: the output keeps the input's scale and zero point, so it
// is the plain int8 max over each window's values inside the image. 2-D
// windows take it separably, a row max over the kernel's columns, then a
// column max of those over its rows: the same set of values, so the same
// byte (and -128 for a window without one, as the plain kernel's start
// value). Other windows run the plain kernel.
#include <algorithm>
#include <vector>

#include "runtime/kernels/helpers/plain_kernel.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {
namespace {

// Output indices o along one dim whose tap k lands inside [0, in).
void inside(const Window& w, int d, int64_t k, int64_t& lo, int64_t& hi) {
  const int64_t s = w.stride[d], off = k * w.dilation[d] - w.pad_begin[d];
  lo = off >= 0 ? 0 : (-off + s - 1) / s;
  hi = std::min(w.out[d], w.in[d] - off <= 0 ? 0 : (w.in[d] - off + s - 1) / s);
  lo = std::min(lo, hi);
}

void max_plane(const int8_t* x, const Window& w, int8_t* y, std::vector<int8_t>& rows) {
  const int64_t ih_n = w.in[1], iw_n = w.in[2], oh_n = w.out[1], ow_n = w.out[2];
  rows.assign(static_cast<size_t>(ih_n * ow_n), int8_t{-128});
  for (int64_t kw = 0; kw < w.kernel[2]; ++kw) {
    int64_t lo, hi;
    inside(w, 2, kw, lo, hi);
    const int64_t off = kw * w.dilation[2] - w.pad_begin[2];
    for (int64_t ih = 0; ih < ih_n; ++ih) {
      int8_t* t = rows.data() + ih * ow_n;
      const int8_t* src = x + ih * iw_n + off;
      if (w.stride[2] == 1)
        for (int64_t o = lo; o < hi; ++o) t[o] = std::max(t[o], src[o]);
      else
        for (int64_t o = lo; o < hi; ++o) t[o] = std::max(t[o], src[o * w.stride[2]]);
    }
  }
  std::fill_n(y, oh_n * ow_n, int8_t{-128});
  for (int64_t kh = 0; kh < w.kernel[1]; ++kh) {
    int64_t lo, hi;
    inside(w, 1, kh, lo, hi);
    for (int64_t oh = lo; oh < hi; ++oh) {
      const int8_t* t = rows.data() + (oh * w.stride[1] + kh * w.dilation[1] - w.pad_begin[1]) * ow_n;
      int8_t* yo = y + oh * ow_n;
      for (int64_t o = 0; o < ow_n; ++o) yo[o] = std::max(yo[o], t[o]);
    }
  }
}

void max_pool_q8(KernelContext& ctx) {
  const ir::QuantParams& q = ctx.qin(0);
  if (ctx.qout(0) != q) ctx.fail("output 0 must keep the input's scale and zero point");
  const ir::Tensor& x = ctx.in(0);
  const auto& attrs = ctx.attrs();
  const bool plain = x.dtype() != ir::DataType::Int8 || x.shape().size() != 4 || ctx.outputs.size() > 1 ||
                     attrs.get_int("storage_order", 0) != 0 || !attrs.has("kernel_shape");
  const Window w = plain ? Window{} : sliding_window(ctx, spatial_dims(ctx, x.shape()), attrs.get_ints("kernel_shape"), true);
  if (plain || w.in[0] != 1 || w.kernel[0] != 1) {
    ctx.outputs = run_plain_kernel(ctx, ctx.inputs, ir::DataType::Int8);
    return;
  }
  const int64_t planes = x.shape()[0] * x.shape()[1];
  const int8_t* px = x.data<int8_t>();
  int8_t* py = ctx.set_output(0, ir::DataType::Int8, window_output_shape(x.shape()[0], x.shape()[1], w)).data<int8_t>();
  ctx.pool.parallel_for(planes, w.in_size() * w.kernel[2] + w.out_size() * w.kernel[1], [&](int64_t b, int64_t e) {
    std::vector<int8_t> rows;
    for (int64_t p = b; p < e; ++p) max_plane(px + p * w.in_size(), w, py + p * w.out_size(), rows);
  });
}

RKNNC_QUANT_KERNEL("MaxPool", max_pool_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
