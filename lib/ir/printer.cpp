#include "ir/printer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace rknnc::ir {
namespace {

std::string value_str(const Graph& g, const std::string& v) {
  if (v.empty()) return "_";
  const ValueInfo* vi = g.info(v);
  if (!vi) return "%" + v;
  return fmt::format("%{}:{}{}", v, dtype_name(vi->dtype), vi->has_shape ? shape_str(vi->shape) : "[?]");
}

std::string attr_str(const Attribute& a) {
  struct Visitor {
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(float v) const { return fmt::format("{}", v); }
    std::string operator()(const std::string& v) const { return '"' + v + '"'; }
    std::string operator()(const std::vector<int64_t>& v) const { return fmt::format("[{}]", fmt::join(v, ",")); }
    std::string operator()(const std::vector<float>& v) const { return fmt::format("[{}]", fmt::join(v, ",")); }
    std::string operator()(const std::vector<std::string>& v) const { return fmt::format("[{}]", fmt::join(v, ",")); }
    std::string operator()(const Tensor& t) const { return fmt::format("tensor<{}{}>", dtype_name(t.dtype()), shape_str(t.shape())); }
  };
  return std::visit(Visitor{}, a);
}

}  // namespace

void print(const Graph& g, std::ostream& os) {
  os << "graph " << g.name << " (opset " << g.opset << ")\n";
  for (const auto& in : g.inputs) os << "  input " << value_str(g, in) << "\n";
  for (const auto& [name, t] : g.initializers)
    os << "  const %" << name << ":" << dtype_name(t.dtype()) << shape_str(t.shape()) << "\n";
  for (const auto& n : g.nodes) {
    std::vector<std::string> outs, ins, attrs;
    for (const auto& o : n->outputs) outs.push_back(value_str(g, o));
    for (const auto& i : n->inputs) ins.push_back(i.empty() ? "_" : "%" + i);
    for (const auto& [k, v] : n->attrs.all()) attrs.push_back(k + "=" + attr_str(v));
    os << fmt::format("  {} = {}({})", fmt::join(outs, ", "), n->op_type, fmt::join(ins, ", "));
    if (!attrs.empty()) os << fmt::format(" {{{}}}", fmt::join(attrs, ", "));
    os << "  # " << n->name << "\n";
  }
  for (const auto& out : g.outputs) os << "  output " << value_str(g, out) << "\n";
}

}  // namespace rknnc::ir
