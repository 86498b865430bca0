#include "frontends/tflite/load_tflite.h"

#include <map>
#include <set>

#include "frontends/onnx/load_onnx.h"
#include "frontends/tflite/ops.h"
#include "util/error.h"

namespace rknnc::frontends {
namespace tflite {

const std::map<fb::BuiltinOperator, OpTranslation>& ops() {
  static const auto table = [] {
    std::map<fb::BuiltinOperator, OpTranslation> t;
    add_conv_ops(t);
    add_elementwise_ops(t);
    add_shape_ops(t);
    return t;
  }();
  return table;
}

namespace {

constexpr int64_t kOnnxOpset = 17;

std::vector<int> int_list(const flatbuffers::Vector<int32_t>* v) {
  return v ? std::vector<int>(v->begin(), v->end()) : std::vector<int>{};
}

// The operators the requested outputs depend on, stopping at the tensors
// named as inputs: an unsupported operator outside the cut is never read.
std::vector<bool> needed_operators(const TfliteFile& f, const std::vector<int>& outputs, const std::set<int>& stops) {
  const auto& operators = *f.graph().operators();
  std::map<int, int> producer;
  for (size_t i = 0; i < operators.size(); ++i)
    for (int o : int_list(operators.Get(i)->outputs())) producer[o] = static_cast<int>(i);
  std::vector<bool> needed(operators.size(), false);
  std::vector<int> todo(outputs.begin(), outputs.end());
  std::set<int> seen;
  while (!todo.empty()) {
    const int t = todo.back();
    todo.pop_back();
    if (!seen.insert(t).second || stops.count(t)) continue;
    const auto it = producer.find(t);
    if (it == producer.end() || needed[it->second]) continue;
    needed[it->second] = true;
    for (int i : int_list(operators.Get(it->second)->inputs()))
      if (i >= 0) todo.push_back(i);
  }
  return needed;
}

void translate_operator(Translation& t, int index) {
  t.begin(index);
  for (int i : int_list(t.op().inputs()))
    if (i >= 0) t.file.tensor(i);  // a tensor index out of range is reported here
  for (int i : int_list(t.op().outputs())) t.file.tensor(i);
  const auto it = ops().find(t.file.op_code(index));
  if (it == ops().end())
    t.fail_op("is not supported by rknnc's TFLite reader; convert the model to ONNX with `python3 -m tf2onnx.convert "
              "--tflite model.tflite --output model.onnx` and set platform: onnx (or end the graph before it with "
              "subgraphs.outputs)");
  it->second(t);
}

onnx::ModelProto to_onnx(const TfliteFile& file, const LoadOptions& options) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("tflite");
  m.set_producer_version(std::to_string(file.model().version()));
  auto* opset = m.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  onnx::GraphProto& g = *m.mutable_graph();
  g.set_name(file.graph().name() ? file.graph().name()->str() : "tflite");
  Translation t(file, g);

  std::map<std::string, int> by_name;
  const int count = static_cast<int>(file.graph().tensors()->size());
  for (int i = 0; i < count; ++i) by_name.emplace(file.tensor_name(i), i);
  std::vector<int> outputs;
  if (options.outputs.empty()) outputs = int_list(file.graph().outputs());
  for (const auto& name : options.outputs)
    if (by_name.count(name)) outputs.push_back(by_name.at(name));  // the shared half names unknown ones
  std::set<int> stops;
  for (const auto& name : options.inputs)
    if (by_name.count(name)) stops.insert(by_name.at(name));

  for (int i : int_list(file.graph().inputs()))
    if (!file.is_constant(i)) t.add_input(i);
  const std::vector<bool> needed = needed_operators(file, outputs, stops);
  for (size_t i = 0; i < needed.size(); ++i)
    if (needed[i]) translate_operator(t, static_cast<int>(i));
  t.finish(outputs);
  return m;
}

}  // namespace

}  // namespace tflite

ir::Graph load_tflite(const std::filesystem::path& path, const LoadOptions& options) {
  const tflite::TfliteFile file(path);
  return load_onnx_model(tflite::to_onnx(file, options), path, options);
}

}  // namespace rknnc::frontends
