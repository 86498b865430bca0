#include "passes/helpers/activation.h"

#include "runtime/kernels/helpers/fused_activation.h"

namespace rknnc::passes {

bool activation_attrs(const ir::Graph& g, const ir::Node& act, ir::Attributes& target) {
  const std::string& op = act.op_type;
  if (!act.domain.empty() || act.outputs.size() != 1) return false;
  ir::Attributes out = target;
  if (op == "Relu" || op == "Sigmoid" || op == "HardSwish") {
    out.set("activation", op);
  } else if (op == "LeakyRelu") {
    out.set("activation", op);
    out.set("activation_alpha", act.attrs.get_float("alpha", 0.01f));
  } else if (op == "Clip") {
    const ir::Tensor* lo = act.has_input(1) ? g.constant(act.input(1)) : nullptr;
    const ir::Tensor* hi = act.has_input(2) ? g.constant(act.input(2)) : nullptr;
    if ((act.has_input(1) && (!lo || lo->numel() != 1)) || (act.has_input(2) && (!hi || hi->numel() != 1)))
      return false;
    out.set("activation", op);
    if (lo) out.set("activation_min", static_cast<float>(lo->get_as_double(0)));
    if (hi) out.set("activation_max", static_cast<float>(hi->get_as_double(0)));
  } else {
    return false;
  }
  target = std::move(out);
  return true;
}

double apply_activation(const ir::Attributes& attrs, double v) {
  float x = static_cast<float>(v);
  runtime::apply_fused_activation(attrs, &x, 1);
  return x;
}

bool pads_nothing(const ir::Node& conv) {
  const std::string auto_pad = conv.attrs.get_string("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID") return false;
  for (int64_t p : conv.attrs.get_ints("pads"))
    if (p != 0) return false;
  return true;
}

}  // namespace rknnc::passes
