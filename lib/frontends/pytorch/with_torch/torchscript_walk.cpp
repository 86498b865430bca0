// Runs the frozen graph node by node on zero inputs (libtorch's own operator
// implementations), so every size, list and flag is a known value; keeps only
// the nodes whose tensors depend on the inputs. If blocks take the branch the
// configured shapes select.
#include "frontends/pytorch/with_torch/torchscript_walk.h"
#include "frontends/pytorch/with_torch/torchscript_tensors.h"

#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/jit/runtime/operator.h>

#include <fmt/format.h>

#include <map>
#include <set>

#include "util/error.h"

namespace rknnc::frontends::pytorch {
namespace {
using c10::IValue;
using torch::jit::Node;
using torch::jit::Value;

bool holds_tensor(const c10::TypePtr& type) {
  if (type->kind() == c10::TypeKind::TensorType) return true;
  for (const auto& t : type->containedTypes())
    if (holds_tensor(t)) return true;
  return false;
}

// Ops that turn tensor data (not a shape) into a number: their result would
// be baked in from the zero inputs.
const std::set<std::string> kDataToNumber = {"aten::Int", "aten::Float", "aten::Bool", "aten::item",
                                             "aten::ScalarImplicit", "aten::IntImplicit", "aten::FloatImplicit",
                                             "aten::is_nonzero", "aten::any", "aten::all", "aten::equal"};
// Ops that only (un)pack lists and tuples: the element names pass through.
const std::set<std::string> kPacking = {"prim::ListConstruct", "prim::TupleConstruct", "prim::ListUnpack",
                                        "prim::TupleUnpack", "prim::TupleIndex", "aten::__getitem__"};

class Walker {
 public:
  Walker(const std::string& file) : file_(file) {}

  TorchGraph run(torch::jit::Graph& graph, const std::vector<ir::Shape>& shapes) {
    const auto inputs = graph.inputs();
    for (size_t i = 1; i < inputs.size(); ++i) {
      Value* v = inputs[i];
      if (v->type()->kind() != c10::TypeKind::TensorType)
        fail("{}: model input '{}' is a {}, not a tensor; rknnc converts models whose inputs are tensors", file_,
             v->debugName(), v->type()->str());
      const ir::Shape& s = shapes[i - 1];
      values_[v] = at::zeros(std::vector<int64_t>(s.begin(), s.end()));
      dynamic_.insert(v);
      names_[v] = {v->debugName()};
      out_.inputs.push_back(v->debugName());
      out_.values[v->debugName()] = {ir::DataType::Float32, s, std::nullopt};
    }
    walk(graph.block());
    for (Value* v : graph.outputs()) {
      if (!dynamic_.count(v))
        fail("{}: model output '{}' does not depend on the inputs; rknnc converts models whose outputs are computed "
             "from their inputs", file_, v->debugName());
      for (const auto& name : names_.at(v)) out_.outputs.push_back(name);
    }
    return std::move(out_);
  }

 private:
  void walk(torch::jit::Block* block) {
    for (Node* n : block->nodes()) visit(n);
  }

  void visit(Node* n) {
    const std::string kind = n->kind().toQualString();
    if (kind == "prim::Constant") {
      values_[n->output()] = torch::jit::toIValue(n->output()).value();
      return;
    }
    if (kind == "prim::If") {
      torch::jit::Block* taken = n->blocks()[values_.at(n->input(0)).toBool() ? 0 : 1];
      walk(taken);
      for (size_t i = 0; i < n->outputs().size(); ++i) alias(n->output(i), taken->outputs()[i]);
      return;
    }
    if (kind == "prim::Loop") return run_loop(n);
    if (!n->blocks().empty())
      fail("{}: {} ({}) is a node with a body, which rknnc does not convert; trace the model or export it to ONNX "
           "with torch.onnx.export", file_, kind, source_line(*n));
    const bool dynamic = std::any_of(n->inputs().begin(), n->inputs().end(), [&](Value* v) { return dynamic_.count(v); });
    if (dynamic && kDataToNumber.count(kind))
      fail("{}: {} ({}) reads a number out of a tensor computed from the inputs, which a compiled graph cannot do; "
           "compute it from shapes only, or export the model to ONNX with torch.onnx.export",
           file_, kind, source_line(*n));
    execute(n, kind);
    if (!dynamic) return;
    if (kPacking.count(kind)) return pack(n, kind);
    if (std::none_of(n->outputs().begin(), n->outputs().end(), [](Value* o) { return holds_tensor(o->type()); }))
      return;  // sizes, flags: known values now
    TorchNode tn{kind, {}, {}, source_line(*n)};
    for (Value* v : n->inputs()) add_arg(tn, v, n);
    for (Value* o : n->outputs()) {
      if (!holds_tensor(o->type())) continue;
      dynamic_.insert(o);
      record_outputs(o, tn.outputs);
    }
    out_.nodes.push_back(std::move(tn));
  }

  // A loop on known values (the sizes of a scripted F.interpolate) runs here;
  // a loop over tensors computed from the inputs is not converted.
  void run_loop(Node* n) {
    const size_t emitted = out_.nodes.size();
    auto unsupported = [&] {
      fail("{}: prim::Loop ({}) loops over tensors computed from the inputs, which rknnc does not convert; trace the "
           "model (torch.jit.trace unrolls loops) or export it to ONNX with torch.onnx.export",
           file_, source_line(*n));
    };
    if (std::any_of(n->inputs().begin(), n->inputs().end(), [&](Value* v) { return dynamic_.count(v); })) unsupported();
    const int64_t trips = values_.at(n->input(0)).toInt();
    bool go_on = values_.at(n->input(1)).toBool();
    std::vector<IValue> carried;
    for (size_t i = 2; i < n->inputs().size(); ++i) carried.push_back(values_.at(n->input(i)));
    torch::jit::Block* body = n->blocks()[0];
    for (int64_t trip = 0; trip < trips && go_on; ++trip) {
      values_[body->inputs()[0]] = IValue(trip);
      for (size_t j = 0; j < carried.size(); ++j) values_[body->inputs()[j + 1]] = carried[j];
      walk(body);
      if (out_.nodes.size() != emitted) unsupported();
      go_on = values_.at(body->outputs()[0]).toBool();
      for (size_t j = 0; j < carried.size(); ++j) carried[j] = values_.at(body->outputs()[j + 1]);
    }
    for (size_t j = 0; j < carried.size(); ++j) values_[n->output(j)] = carried[j];
  }

  // List and tuple (un)packing: the interpreter does these itself, they have
  // no operator.
  bool execute_packing(Node* n, const std::string& kind) {
    if (kind == "prim::ListConstruct") {
      c10::impl::GenericList list(n->output()->type()->containedType(0));
      for (Value* v : n->inputs()) list.push_back(values_.at(v));
      values_[n->output()] = IValue(list);
    } else if (kind == "prim::TupleConstruct") {
      std::vector<IValue> elems;
      for (Value* v : n->inputs()) elems.push_back(values_.at(v));
      values_[n->output()] = c10::ivalue::Tuple::create(std::move(elems));
    } else if (kind == "prim::ListUnpack" || kind == "prim::TupleUnpack") {
      const IValue& in = values_.at(n->input(0));
      const std::vector<IValue> elems =
          in.isTuple() ? in.toTupleRef().elements().vec() : std::vector<IValue>(in.toListRef().begin(), in.toListRef().end());
      if (elems.size() != n->outputs().size())
        fail("{}: {} ({}) unpacks {} values from {}", file_, kind, source_line(*n), n->outputs().size(), elems.size());
      for (size_t i = 0; i < elems.size(); ++i) values_[n->output(i)] = elems[i];
    } else if (kind == "prim::TupleIndex") {
      const auto& elems = values_.at(n->input(0)).toTupleRef().elements();
      int64_t i = values_.at(n->input(1)).toInt();
      if (i < 0) i += static_cast<int64_t>(elems.size());
      values_[n->output()] = elems.at(static_cast<size_t>(i));
    } else {
      return false;
    }
    return true;
  }

  void execute(Node* n, const std::string& kind) {
    if (execute_packing(n, kind)) return;
    torch::jit::Stack stack;
    for (Value* v : n->inputs()) stack.push_back(values_.at(v));
    try {
      n->getOperation()(stack);
    } catch (const std::exception& e) {
      std::string msg = e.what();
      if (auto pos = msg.find('\n'); pos != std::string::npos) msg.resize(pos);
      fail("{}: {} ({}) failed at the configured input shapes: {}; check subgraphs.input_size_list", file_, kind,
           source_line(*n), msg);
    }
    if (stack.size() != n->outputs().size())
      fail("{}: {} ({}) returned {} values, expected {}", file_, kind, source_line(*n), stack.size(),
           n->outputs().size());
    for (size_t i = 0; i < stack.size(); ++i) values_[n->output(i)] = std::move(stack[i]);
  }

  void alias(Value* to, Value* from) {
    values_[to] = values_.at(from);
    if (dynamic_.count(from)) {
      dynamic_.insert(to);
      names_[to] = names_.at(from);
    }
  }

  // The names of the tensors a list or tuple value holds; constants among them
  // are registered as constants.
  std::vector<std::string> element_names(Value* v) {
    if (dynamic_.count(v)) return names_.at(v);
    const IValue& iv = values_.at(v);
    if (iv.isTensor()) return {constant(v->debugName(), iv.toTensor())};
    fail("{}: value '{}' is not a tensor", file_, v->debugName());
  }

  void pack(Node* n, const std::string& kind) {
    if (kind == "prim::ListConstruct" || kind == "prim::TupleConstruct") {
      std::vector<std::string> names;
      for (size_t i = 0; i < n->inputs().size(); ++i) {
        Value* in = n->input(i);
        if (dynamic_.count(in) || values_.at(in).isTensor()) {
          const auto elems = element_names(in);
          names.insert(names.end(), elems.begin(), elems.end());
        } else {
          names.push_back(constant(fmt::format("{}#{}", n->output()->debugName(), i), values_.at(in)));
        }
      }
      dynamic_.insert(n->output());
      names_[n->output()] = names;
      return;
    }
    const std::vector<std::string> all = names_.at(n->input(0));
    if (kind == "prim::ListUnpack" || kind == "prim::TupleUnpack") {
      if (all.size() != n->outputs().size())
        fail("{}: {} ({}) unpacks {} values from a list of {}", file_, kind, source_line(*n), n->outputs().size(),
             all.size());
      for (size_t i = 0; i < all.size(); ++i) {
        dynamic_.insert(n->output(i));
        names_[n->output(i)] = {all[i]};
      }
      return;
    }
    int64_t index = n->inputs().size() > 1 ? values_.at(n->input(1)).toInt() : 0;
    if (index < 0) index += static_cast<int64_t>(all.size());
    dynamic_.insert(n->output());
    names_[n->output()] = {all.at(static_cast<size_t>(index))};
  }

  // Scalars as constants of the graph (a tensor list holding a number).
  std::string constant(const std::string& name, const IValue& iv) {
    at::Tensor t;
    if (iv.isTensor()) t = iv.toTensor();
    else if (iv.isInt()) t = at::scalar_tensor(iv.toInt(), at::kLong);
    else if (iv.isDouble()) t = at::scalar_tensor(iv.toDouble(), at::kFloat);
    else fail("{}: value '{}' ({}) cannot be a tensor", file_, name, iv.tagKind());
    if (!out_.constants.count(name)) {
      if (t.is_quantized()) out_.constant_quant[name] = quant_params(t);
      out_.constants[name] = to_ir_tensor(t, fmt::format("{}: constant '{}'", file_, name));
    }
    return name;
  }

  void record_outputs(Value* o, std::vector<std::string>& outputs) {
    const IValue& iv = values_.at(o);
    std::vector<std::string> names;
    std::vector<at::Tensor> tensors;
    if (iv.isTensor()) {
      names = {o->debugName()};
      tensors = {iv.toTensor()};
    } else if (iv.isTensorList()) {
      for (const at::Tensor& t : iv.toTensorVector()) {
        names.push_back(fmt::format("{}#{}", o->debugName(), names.size()));
        tensors.push_back(t);
      }
    } else {
      fail("{}: value '{}' of type {} is not supported; rknnc converts tensors and lists of tensors", file_,
           o->debugName(), o->type()->str());
    }
    for (size_t i = 0; i < names.size(); ++i) {
      const at::Tensor& t = tensors[i];
      TensorInfo info;
      info.shape.assign(t.sizes().begin(), t.sizes().end());
      info.dtype = t.is_quantized() ? ir::DataType::Float32 : ir_dtype(t.scalar_type() == at::kDouble ? at::kFloat
                                                                                                    : t.scalar_type(),
                                                                       fmt::format("{}: value '{}'", file_, names[i]));
      if (t.is_quantized()) info.quant = quant_params(t);
      out_.values[names[i]] = info;
      outputs.push_back(names[i]);
    }
    names_[o] = names;
  }

  void add_arg(TorchNode& tn, Value* v, Node* n) {
    Arg a;
    const IValue& iv = values_.at(v);
    if (dynamic_.count(v)) {
      const auto& names = names_.at(v);
      if (iv.isTensor()) {
        a.kind = Arg::Kind::Tensor;
        a.tensor = names.at(0);
      } else {
        a.kind = Arg::Kind::Tensors;
        a.tensors = names;
      }
    } else if (iv.isTensor()) {
      a.kind = Arg::Kind::Tensor;
      a.tensor = constant(v->debugName(), iv);
    } else if (iv.isTensorList()) {
      a.kind = Arg::Kind::Tensors;
      const auto list = iv.toTensorVector();
      for (size_t i = 0; i < list.size(); ++i)
        a.tensors.push_back(constant(fmt::format("{}#{}", v->debugName(), i), list[i]));
    } else if (iv.isInt()) {
      a = Arg::of_int(iv.toInt());
    } else if (iv.isDouble()) {
      a.kind = Arg::Kind::Float;
      a.f = iv.toDouble();
    } else if (iv.isBool()) {
      a.kind = Arg::Kind::Bool;
      a.i = iv.toBool();
    } else if (iv.isIntList()) {
      a.kind = Arg::Kind::Ints;
      a.ints = iv.toIntVector();
    } else if (iv.isDoubleList()) {
      a.kind = Arg::Kind::Floats;
      a.floats = iv.toDoubleVector();
    } else if (iv.isBoolList()) {
      a.kind = Arg::Kind::Ints;
      for (bool b : iv.toBoolList()) a.ints.push_back(b);
    } else if (iv.isString()) {
      a.kind = Arg::Kind::String;
      a.s = iv.toStringRef();
    } else if (iv.isNone() || iv.isDevice()) {
      a.kind = Arg::Kind::None;
    } else if (iv.isObject() || iv.isCapsule() || iv.isCustomClass()) {
      return unpack_params(tn, iv, n);
    } else {
      fail("{}: {} ({}): an argument of type {} is not supported; export the model to ONNX with torch.onnx.export",
           file_, tn.kind, source_line(*n), iv.tagKind());
    }
    tn.inputs.push_back(std::move(a));
  }

  // The packed weights of quantized::conv2d / quantized::linear, unpacked by
  // the library's own unpack ops into weight, bias (and conv geometry) args.
  void unpack_params(TorchNode& tn, const IValue& packed, Node* n) {
    const std::string type = packed.type()->str();
    const bool conv = type.find("Conv2dPackedParams") != std::string::npos;
    if (!conv && type.find("LinearPackedParams") == std::string::npos)
      fail("{}: {} ({}): packed parameters of type {} are not supported; export the model to ONNX with "
           "torch.onnx.export", file_, tn.kind, source_line(*n), type);
    auto call = [&](const char* op) {
      torch::jit::Stack stack{packed};
      c10::Dispatcher::singleton().findSchemaOrThrow(op, "").callBoxed(stack);
      return stack;
    };
    const torch::jit::Stack wb = call(conv ? "quantized::conv2d_unpack" : "quantized::linear_unpack");
    const std::string base = n->output(0)->debugName();
    tn.inputs.push_back(Arg::of_tensor(constant(base + "#weight", wb[0])));
    tn.inputs.push_back(wb[1].isNone() ? Arg() : Arg::of_tensor(constant(base + "#bias", wb[1])));
    if (!conv) return;
    for (const char* op : {"quantized::conv2d_stride", "quantized::conv2d_padding", "quantized::conv2d_dilation"})
      tn.inputs.push_back(Arg::of_ints(call(op)[0].toIntVector()));
    tn.inputs.push_back(Arg::of_int(call("quantized::conv2d_groups")[0].toInt()));
  }

  std::string file_;
  TorchGraph out_;
  std::map<Value*, IValue> values_;
  std::set<Value*> dynamic_;
  std::map<Value*, std::vector<std::string>> names_;
};

}  // namespace

TorchGraph walk_torchscript(torch::jit::Graph& graph, const std::vector<ir::Shape>& shapes, const std::string& file) {
  return Walker(file).run(graph, shapes);
}

}  // namespace rknnc::frontends::pytorch
