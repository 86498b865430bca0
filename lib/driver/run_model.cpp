#include "driver/run_model.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "format/rknn_file.h"
#include "frontends/frontend.h"
#include "driver/preprocess.h"
#include "passes/pipeline.h"
#include "runtime/executor.h"
#include "runtime/program_runner.h"
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

// --batch: the number of samples N in `t`, the leading dimension. The sample
// shape is either t's shape without it ([N, ...model shape]) or, for a model
// input with a leading 1, [1, ...rest] ([N, ...model shape without the 1]).
ir::Shape batch_sample_shape(const ir::Tensor& t, const ir::ValueInfo& info, const std::string& input,
                             const std::string& file) {
  const auto& s = t.shape();
  if (s.empty()) fail_config("--batch: input '{}' of {} is a scalar; give [N, ...input shape]", input, file);
  ir::Shape sample(s.begin() + 1, s.end());
  if (info.has_shape && s.size() == info.shape.size() && !info.shape.empty() && info.shape[0] == 1)
    sample.insert(sample.begin(), 1);
  return sample;
}

// Sample i of a batch tensor, as its own tensor of shape `sample`.
ir::Tensor batch_item(const ir::Tensor& t, int64_t i, const ir::Shape& sample) {
  const size_t bytes = t.nbytes() / static_cast<size_t>(t.shape()[0]);
  return ir::Tensor::from_bytes(t.dtype(), sample, static_cast<const std::byte*>(t.raw()) + bytes * static_cast<size_t>(i),
                                bytes);
}

// quantize_weight models store int8 weights behind DequantizeLinear nodes
// (quant/float16.h): they are folded into float weights once, at load.
void dequantize_weights_at_load(ir::Graph& g) {
  passes::PassContext ctx;
  passes::run_passes(g, {"fold_constants"}, ctx);
}

std::string shapes_str(const std::map<std::string, std::vector<int64_t>>& shapes) {
  std::vector<std::string> parts;
  for (const auto& [name, s] : shapes) parts.push_back(fmt::format("{} {}", name, ir::shape_str(s)));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// Index of the Program compiled for the feeds' shapes (several with dynamic_input).
size_t select_program(const std::vector<compiler::Program>& programs, const runtime::TensorMap& feeds,
                      const std::string& model) {
  std::map<std::string, std::vector<int64_t>> given;
  for (const auto& [name, t] : feeds) given[name] = t.shape();
  for (size_t i = 0; i < programs.size(); ++i)
    if (programs[i].input_shapes == given) return i;
  std::vector<std::string> accepted;
  for (const auto& p : programs) accepted.push_back("[" + shapes_str(p.input_shapes) + "]");
  fail_config("{}: inputs {} match no shape the model was compiled for; it accepts {}{}", model, shapes_str(given),
              fmt::join(accepted, " or "),
              programs.size() > 1 ? " (configs.dynamic_input)" : " (convert with dynamic_input for more shapes)");
}

// The model-side shape of an --input array (NCHW; one sample with --batch).
ir::Shape input_shape_of(const ir::Tensor& t, const RunOptions& options) {
  ir::Shape s = t.shape();
  if (options.batch && !s.empty()) s[0] = 1;
  if (options.nhwc && s.size() == 4) s = {s[0], s[3], s[1], s[2]};
  return s;
}

}  // namespace

std::vector<std::pair<std::string, ir::Tensor>> run_model_file(const std::filesystem::path& path,
                                                               std::vector<ir::Tensor> inputs,
                                                               const RunOptions& options, RunTiming* timing) {
  ir::Graph graph;
  std::vector<format::InputPreprocess> preprocess;
  std::vector<compiler::Program> programs;
  if (format::is_rknn_file(path)) {
    format::RknnModel m = format::read_rknn(path, options.key);
    if (m.remove_weights && options.weights_from.empty())
      fail_config("{}: converted with remove_weight, it holds no weights; run it with --weights-from MASTER.rknn (the "
                  "same model converted without remove_weight)",
                  path.string());
    if (!options.weights_from.empty()) {
      if (!format::is_rknn_file(options.weights_from))
        fail_config("--weights-from {}: not a .rknn file; give the .rknn converted without remove_weight",
                    options.weights_from.string());
      format::use_master_weights(m, format::read_rknn(options.weights_from, options.key), path.string(),
                                 options.weights_from.string());
    }
    graph = std::move(m.graph);
    preprocess = std::move(m.preprocess);
    if (!options.ir_graph) programs = std::move(m.programs);
    // A Program refers to nodes by index: its graph stays as compiled.
    if (programs.empty()) dequantize_weights_at_load(graph);
  } else {
    if (!options.weights_from.empty())
      fail_config("--weights-from: {} is not a .rknn; the flag is for .rknn models converted with remove_weight",
                  path.string());
    frontends::LoadOptions load;
    load.check_by_execution = false;  // executed below anyway
    const std::string platform = frontends::platform_of_file(path);
    if (!frontends::records_input_shapes(platform))
      for (const auto& t : inputs) load.input_shapes.push_back(input_shape_of(t, options));
    graph = frontends::load_model(platform, path, load);
    passes::PassContext ctx;
    ctx.verify_each = false;
    passes::run_passes(graph, passes::cpu_pipeline_for_level(options.optimization_level), ctx);
  }
  if (inputs.size() != graph.inputs.size())
    fail_config("{} has {} input(s), {} --input file(s) given", path.string(), graph.inputs.size(), inputs.size());
  runtime::Executor exec(graph);
  // One runner per Program, checked and prepared once, outside the timed runs.
  std::vector<runtime::ProgramRunner> runners;
  runners.reserve(programs.size());
  for (const auto& p : programs) runners.emplace_back(graph, p);
  const auto prepare = [&](ir::Tensor t, size_t i) {
    const std::string& name = graph.inputs[i];
    if (options.nhwc) t = nhwc_to_nchw(t, name);
    if (options.pass_through && i < preprocess.size()) t = denormalize(t, preprocess[i], graph.values.at(name));
    return t;
  };
  int64_t samples = 1;
  std::vector<ir::Shape> sample_shapes;
  if (options.batch) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      const std::string& name = graph.inputs[i];
      sample_shapes.push_back(batch_sample_shape(inputs[i], graph.values.at(name), name, path.string()));
      const int64_t n = inputs[i].shape()[0];
      if (i == 0) samples = n;
      if (n != samples)
        fail_config("--batch: input '{}' has N = {} samples, input '{}' has {}; give every input the same N", name, n,
                    graph.inputs[0], samples);
    }
    if (samples < 1) fail_config("--batch: input '{}' has no samples (N = 0)", graph.inputs[0]);
  }
  std::vector<runtime::TensorMap> results;
  double total_ms = 0, min_ms = 0;
  int64_t runs = 0;
  for (int64_t b = 0; b < samples; ++b) {
    runtime::TensorMap feeds;
    for (size_t i = 0; i < inputs.size(); ++i)
      feeds[graph.inputs[i]] = prepare(options.batch ? batch_item(inputs[i], b, sample_shapes[i]) : std::move(inputs[i]), i);
    runtime::TensorMap outs;
    const size_t program = runners.empty() ? 0 : select_program(programs, feeds, path.string());
    // Timed repeats start after one untimed run, as a peer's benchmark does:
    // the first run also packs the weights and makes each kernel's prepared state.
    if (options.repeat > 1 && b == 0) outs = runners.empty() ? exec.run(feeds) : runners[program].run(feeds);
    for (int r = 0; r < std::max(1, options.repeat); ++r, ++runs) {
      const auto start = std::chrono::steady_clock::now();
      outs = runners.empty() ? exec.run(feeds) : runners[program].run(feeds);
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      total_ms += ms;
      min_ms = runs == 0 ? ms : std::min(min_ms, ms);
    }
    results.push_back(std::move(outs));
  }
  if (timing) *timing = {total_ms / static_cast<double>(runs), min_ms, runs};
  std::vector<std::pair<std::string, ir::Tensor>> ordered;
  for (const auto& name : graph.outputs) {
    if (!options.batch) {
      ordered.emplace_back(name, results[0].at(name));
      continue;
    }
    // Stack the N per-sample results on a new leading axis.
    const ir::Tensor& first = results[0].at(name);
    ir::Shape shape = first.shape();
    shape.insert(shape.begin(), samples);
    ir::Tensor stacked(first.dtype(), shape);
    auto* dst = static_cast<std::byte*>(stacked.raw());
    for (const auto& r : results) {
      const ir::Tensor& t = r.at(name);
      if (t.shape() != first.shape() || t.dtype() != first.dtype())
        fail("--batch: output '{}' has shape {} for one sample and {} for another; run the samples one by one", name,
             ir::shape_str(first.shape()), ir::shape_str(t.shape()));
      if (t.nbytes()) std::memcpy(dst, t.raw(), t.nbytes());
      dst += t.nbytes();
    }
    ordered.emplace_back(name, std::move(stacked));
  }
  return ordered;
}

}  // namespace rknnc::driver
