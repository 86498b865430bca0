#pragma once
// Element-wise kernel bodies shared by all unary, binary (numpy broadcasting)
// and variadic ops. A kernel file only supplies the scalar function.
#include <algorithm>
#include <type_traits>
#include <vector>

#include "runtime/kernels/helpers/broadcast.h"
#include "runtime/kernels/helpers/byte_lookup.h"
#include "runtime/kernels/helpers/fused_activation.h"

namespace rknnc::runtime::kernels {

// What follows each piece of a float output while it is in cache: the
// node's fused activation `act` (when given) and the float16 rounding a
// float16 simulation asks for (KernelContext::round_to_half); none for other
// output types.
template <typename TO>
FusedActivation piece_finish(KernelContext& ctx, const FusedActivation* act = nullptr) {
  FusedActivation finish = act ? *act : FusedActivation{};
  finish.to_half = std::is_same_v<TO, float> && ctx.round_to_half;
  ctx.rounded_to_half = finish.to_half;
  return finish;
}

// body(i0, i1) computes outputs [i0, i1) of [b, e), then `finish` runs on
// them while they are in L1 (a piece is up to 64 KB).
template <typename TO, typename Body>
void finished_in_chunks(TO* out, int64_t b, int64_t e, const FusedActivation& finish, Body body) {
  constexpr int64_t kChunk = 2048;
  if (!finish || !std::is_same_v<TO, float>) return body(b, e);
  for (int64_t i = b; i < e; i += kChunk) {
    const int64_t end = std::min(e, i + kChunk);
    body(i, end);
    if constexpr (std::is_same_v<TO, float>) finish.apply(out + i, end - i);
  }
}

// y = f(x), same shape; output dtype TO.
template <typename TI, typename TO = TI, typename F>
void unary(KernelContext& ctx, F f) {
  const ir::Tensor& x = ctx.in(0);
  ir::Tensor& y = ctx.set_output_in_place(0, ir::dtype_of<TO>(), x.shape(), 0);
  const TI* src = x.data<TI>();
  TO* dst = y.data<TO>();
  const FusedActivation finish = piece_finish<TO>(ctx);
  ctx.pool.parallel_for(x.numel(), 8, [&](int64_t b, int64_t e) {
    finished_in_chunks(dst, b, e, finish, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) dst[i] = f(src[i]);
    });
  });
}

// Rows of at least this many int8 values against one broadcast int8 value
// (a per-channel constant) go through a 256-entry table of f for that value.
constexpr int64_t kByteTableRow = 512;

// o[i] = f(x[i], y) (or f(y, x[i]) when `swapped`) through the table of f(·, y):
// the same bytes as calling f on every element. The table is made by the
// op's own vector loop where it has one (`f.broadcast_row`, which returns
// how many it did) on the 256 int8 values, and looked up 64 bytes a step
// where the CPU can (byte_lookup.h).
template <typename F>
void byte_table_row(int8_t* o, const int8_t* x, int8_t y, int64_t n, bool swapped, F& f) {
  int8_t values[256], table[256];
  for (int v = -128; v < 128; ++v) values[v + 128] = static_cast<int8_t>(v);
  int64_t i = 0;
  if constexpr (requires { f.broadcast_row(table, values, y, 256, swapped); })
    i = f.broadcast_row(table, values, y, 256, swapped);
  for (; i < 256; ++i) table[i] = swapped ? f(y, values[i]) : f(values[i], y);
  lookup_byte_row(table, x, o, n);
}

// o[i] = f(x[i], y) (f(y, x[i]) when `swapped`) for a row against one
// broadcast value: a long row through the table of f for y; a short one in
// the op's own vector loop where it has one, else f per element.
template <typename F>
void byte_row(int8_t* o, const int8_t* x, int8_t y, int64_t n, bool swapped, F& f) {
  if (n >= kByteTableRow) return byte_table_row(o, x, y, n, swapped, f);
  int64_t i = 0;
  if constexpr (requires { f.broadcast_row(o, x, y, n, swapped); }) i = f.broadcast_row(o, x, y, n, swapped);
  for (; i < n; ++i) o[i] = swapped ? f(y, x[i]) : f(x[i], y);
}

// o[i] = f(x, y) over one piece of n outputs, st[1] / st[2] apart in x / y.
template <typename TA, typename TB, typename TO, typename F>
void binary_piece(TO* o, const TA* x, const TB* y, const int64_t* st, int64_t n, F& f) {
  if (st[1] == 1 && st[2] == 1)
    for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
  else if (st[1] == 1 && st[2] == 0)
    for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], *y);
  else if (st[1] == 0 && st[2] == 1)
    for (int64_t i = 0; i < n; ++i) o[i] = f(*x, y[i]);
  else
    for (int64_t i = 0; i < n; ++i) o[i] = f(x[i * st[1]], y[i * st[2]]);
}

// out = f(a, b) over the broadcast of a and b; output shape computed here.
// `finish` (a float output's) follows each piece.
template <typename TA, typename TB, typename TO, typename F>
void binary_into(KernelContext& ctx, const ir::Tensor& a, const ir::Tensor& b, ir::Tensor& out, F f,
                 const FusedActivation& finish = {}) {
  const RowPlan plan = RowPlan::broadcast(out.shape(), {a.shape(), b.shape()});
  const TA* pa = a.data<TA>();
  const TB* pb = b.data<TB>();
  TO* po = out.data<TO>();
  constexpr int64_t kPiece = 1 << 14;  // elements; resnet50's same-shape Adds are one row of 800k
  plan.parallel_pieces(ctx.pool, kPiece, 2, [&](const int64_t* off, const int64_t* st, int64_t n) {
    TO* o = po + off[0];
    const TA* x = pa + off[1];
    const TB* y = pb + off[2];
    constexpr bool bytes = std::is_same_v<TA, int8_t> && std::is_same_v<TB, int8_t> && std::is_same_v<TO, int8_t>;
    if constexpr (bytes) {
      if (st[1] == 1 && st[2] == 0) return byte_row(o, x, *y, n, false, f);
      if (st[1] == 0 && st[2] == 1) return byte_row(o, y, *x, n, true, f);
    }
    finished_in_chunks(o, 0, n, finish, [&](int64_t i0, int64_t i1) {
      binary_piece(o + i0, x + i0 * st[1], y + i0 * st[2], st, i1 - i0, f);
    });
  });
}

// out = f(a, b); `act`: the node's fused activation (float outputs only).
template <typename TA, typename TB = TA, typename TO = TA, typename F>
void binary(KernelContext& ctx, F f, const FusedActivation* act = nullptr) {
  const ir::Tensor& a = ctx.in(0);
  const ir::Tensor& b = ctx.in(1);
  ir::Shape shape = broadcast_shapes(ctx, {a.shape(), b.shape()});
  // in the bytes of an operand of the output's own shape whose value dies here (never a broadcast one)
  const size_t from = a.shape() == shape ? 0 : 1;
  ir::Tensor& out = ctx.in(from).shape() == shape ? ctx.set_output_in_place(0, ir::dtype_of<TO>(), shape, from)
                                                  : ctx.set_output_unfilled(0, ir::dtype_of<TO>(), shape);
  binary_into<TA, TB, TO>(ctx, a, b, out, f, piece_finish<TO>(ctx, act));
}

// Folds all inputs with f (Max, Min, Sum); the result has the broadcast shape.
template <typename T, typename F>
void variadic(KernelContext& ctx, F f) {
  std::vector<ir::Shape> shapes;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) shapes.push_back(ctx.in(i).shape());
  if (shapes.empty()) ctx.fail("needs at least one input");
  const ir::Shape out_shape = broadcast_shapes(ctx, shapes);
  ir::Tensor acc(ir::dtype_of<T>(), out_shape);
  const ir::Tensor& first = ctx.in(0);
  // acc = first broadcast to out_shape, then acc = f(acc, in_i).
  binary_into<T, T, T>(ctx, acc, first, acc, [](T, T x) { return x; });
  for (size_t i = 1; i < ctx.num_inputs(); ++i) binary_into<T, T, T>(ctx, acc, ctx.in(i), acc, f);
  ctx.outputs[0] = acc;
}

}  // namespace rknnc::runtime::kernels
