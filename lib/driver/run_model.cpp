#include "driver/run_model.h"

#include <chrono>

#include "format/rknn_file.h"
#include "frontends/frontend.h"
#include "driver/preprocess.h"
#include "runtime/executor.h"
#include "util/error.h"

namespace rknnc::driver {
namespace {

ir::Tensor nhwc_to_nchw(const ir::Tensor& t, const std::string& input) {
  if (t.shape().size() != 4) fail("--nhwc: input '{}' has shape {}, not 4-D", input, ir::shape_str(t.shape()));
  const auto& s = t.shape();
  const int64_t n = s[0], h = s[1], w = s[2], c = s[3];
  ir::Tensor out(t.dtype(), {n, c, h, w});
  const size_t es = ir::dtype_size(t.dtype());
  const auto* src = static_cast<const std::byte*>(t.raw());
  auto* dst = static_cast<std::byte*>(out.raw());
  for (int64_t b = 0; b < n; ++b)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        for (int64_t ch = 0; ch < c; ++ch)
          std::memcpy(dst + static_cast<size_t>(((b * c + ch) * h + y) * w + x) * es,
                      src + static_cast<size_t>(((b * h + y) * w + x) * c + ch) * es, es);
  return out;
}

// Inverse of (x - mean) / std, so an already-normalised input can be fed to
// a graph that normalises raw input itself.
ir::Tensor denormalize(const ir::Tensor& t, const format::InputPreprocess& p, const ir::ValueInfo& info) {
  if ((p.mean.empty() && p.std.empty()) || t.dtype() != ir::DataType::Float32) return t;
  const size_t channels = std::max(p.mean.size(), p.std.size());
  const int64_t axis = channel_axis(info, channels);
  const auto strides = ir::shape_strides(t.shape());
  ir::Tensor out = t.clone();
  float* x = out.data<float>();
  for (int64_t i = 0; i < out.numel(); ++i) {
    const auto c = static_cast<size_t>((i / strides[static_cast<size_t>(axis)]) % t.shape()[static_cast<size_t>(axis)]);
    const float s = p.std.empty() ? 1.0f : p.std[c];
    const float m = p.mean.empty() ? 0.0f : p.mean[c];
    x[i] = x[i] * s + m;
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::string, ir::Tensor>> run_model_file(const std::filesystem::path& path,
                                                               std::vector<ir::Tensor> inputs,
                                                               const RunOptions& options, RunTiming* timing) {
  ir::Graph graph;
  std::vector<format::InputPreprocess> preprocess;
  if (format::is_rknn_file(path)) {
    format::RknnModel m = format::read_rknn(path);
    graph = std::move(m.graph);
    preprocess = std::move(m.preprocess);
  } else {
    frontends::LoadOptions load;
    load.check_by_execution = false;  // executed below anyway
    graph = frontends::load_onnx(path, load);
  }
  if (inputs.size() != graph.inputs.size())
    fail_config("{} has {} input(s), {} --input file(s) given", path.string(), graph.inputs.size(), inputs.size());
  runtime::TensorMap feeds;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string& name = graph.inputs[i];
    ir::Tensor t = options.nhwc ? nhwc_to_nchw(inputs[i], name) : std::move(inputs[i]);
    if (options.pass_through && i < preprocess.size()) t = denormalize(t, preprocess[i], graph.values.at(name));
    feeds[name] = std::move(t);
  }
  runtime::Executor exec(graph);
  runtime::TensorMap outs;
  double total_ms = 0, min_ms = 0;
  for (int i = 0; i < std::max(1, options.repeat); ++i) {
    const auto start = std::chrono::steady_clock::now();
    outs = exec.run(feeds);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    total_ms += ms;
    min_ms = i == 0 ? ms : std::min(min_ms, ms);
  }
  if (timing) *timing = {total_ms / std::max(1, options.repeat), min_ms};
  std::vector<std::pair<std::string, ir::Tensor>> ordered;
  for (const auto& name : graph.outputs) ordered.emplace_back(name, outs.at(name));
  return ordered;
}

}  // namespace rknnc::driver
