#include "compiler/assign_layouts.h"

#include <fmt/format.h>

#include "compiler/layout.h"
#include "util/error.h"

namespace rknnc::compiler {
namespace {

class LayoutBuilder {
 public:
  LayoutBuilder(Program& p, const ir::Graph& g, const target::Target& t) : p_(p), g_(g), t_(t) {}

  void add_graph_inputs() {
    for (const auto& in : g_.inputs) add_buffer(in, plain_layout(in), 0, Region::Input, -1);
  }

  void add_node(int index, const NodePlacement& place) {
    const ir::Node& n = *g_.nodes[static_cast<size_t>(index)];
    Step s;
    s.kind = Step::Kind::Compute;
    s.node = index;
    s.op_type = n.op_type;
    s.name = n.name;
    s.dtype = compute_dtype(g_, n);
    s.device = place.device;
    s.placement_reason = place.reason;
    for (const auto& in : n.inputs)
      s.inputs.push_back(in.empty() || g_.is_constant(in) ? -1 : buffer_for(in, place.device));
    const int step = static_cast<int>(p_.steps.size());
    for (const auto& out : n.outputs) {
      const auto [layout, c2] = layout_on(out, place.device);
      s.outputs.push_back(add_buffer(out, layout, c2, Region::Internal, step));
    }
    p_.steps.push_back(std::move(s));
  }

  // Graph outputs are handed over in NCHW (or plain) layout.
  void add_graph_outputs() {
    for (const auto& out : g_.outputs) {
      const int b = buffer_in(out, plain_layout(out), 0);
      if (p_.buffers[static_cast<size_t>(b)].region == Region::Internal)
        p_.buffers[static_cast<size_t>(b)].region = Region::Output;
    }
  }

  void set_lifetimes() {
    const int end = static_cast<int>(p_.steps.size());
    for (auto& b : p_.buffers) b.last_step = b.region == Region::Output ? end : b.first_step;
    for (int s = 0; s < end; ++s)
      for (int b : p_.steps[static_cast<size_t>(s)].inputs)
        if (b >= 0 && p_.buffers[static_cast<size_t>(b)].last_step < s) p_.buffers[static_cast<size_t>(b)].last_step = s;
    for (auto& b : p_.buffers)
      if (b.region == Region::Input && b.last_step < 0) b.last_step = 0;
  }

 private:
  const ir::ValueInfo& info(const std::string& v) const {
    const ir::ValueInfo* i = g_.info(v);
    if (!i || !i->has_shape || !ir::shape_is_static(i->shape))
      fail("compiler: value '{}' has no static shape; give subgraphs.input_size_list (or dynamic_input) so every "
           "shape is known", v);
    return *i;
  }

  std::string plain_layout(const std::string& v) const { return info(v).shape.size() == 4 ? kNchw : ""; }

  // NC1HWC2 for 4-D values on the NPU when the target gives C2 for their type.
  std::pair<std::string, int> layout_on(const std::string& v, Device d) const {
    const ir::ValueInfo& i = info(v);
    if (d == Device::Npu && i.shape.size() == 4) {
      auto c2 = t_.npu.c2.find(std::string(ir::dtype_name(i.dtype)));
      if (c2 != t_.npu.c2.end()) return {kNc1hwc2, c2->second};
    }
    return {plain_layout(v), 0};
  }

  int buffer_for(const std::string& v, Device d) {
    const auto [layout, c2] = layout_on(v, d);
    return buffer_in(v, layout, c2);
  }

  // The buffer of `v` in `layout`, made by a Reorder step from the value's
  // first buffer when it does not exist yet.
  int buffer_in(const std::string& v, const std::string& layout, int c2) {
    if (int b = p_.find_buffer(v, layout); b >= 0) return b;
    const int from = p_.find_buffer(v);
    if (from < 0) fail("compiler: value '{}' is read before any step writes it", v);
    Step s;
    s.kind = Step::Kind::Reorder;
    s.op_type = "Reorder";
    s.name = fmt::format("reorder:{}:{}", v, layout.empty() ? "plain" : layout);
    s.dtype = dtype_label(info(v).dtype);
    s.device = Device::Cpu;
    s.placement_reason = "layout conversion between NPU (NC1HWC2) and CPU / caller (NCHW)";
    s.inputs = {from};
    const int step = static_cast<int>(p_.steps.size());
    s.outputs = {add_buffer(v, layout, c2, Region::Internal, step)};
    p_.steps.push_back(std::move(s));
    return p_.steps.back().outputs[0];
  }

  int add_buffer(const std::string& v, const std::string& layout, int c2, Region region, int first_step) {
    const ir::ValueInfo& i = info(v);
    Buffer b;
    b.value = v;
    b.layout = layout;
    b.c2 = c2;
    b.shape = i.shape;
    b.elem_size = static_cast<int>(ir::dtype_size(i.dtype));
    b.region = region;
    b.bytes = layout_bytes(layout, b.shape, c2, static_cast<size_t>(b.elem_size));
    b.first_step = first_step;
    p_.buffers.push_back(std::move(b));
    return static_cast<int>(p_.buffers.size()) - 1;
  }

  Program& p_;
  const ir::Graph& g_;
  const target::Target& t_;
};

}  // namespace

void assign_layouts(Program& program, const ir::Graph& g, const target::Target& t,
                    const std::vector<NodePlacement>& placement) {
  LayoutBuilder b(program, g, t);
  b.add_graph_inputs();
  for (size_t i = 0; i < g.nodes.size(); ++i) b.add_node(static_cast<int>(i), placement[i]);
  b.add_graph_outputs();
  b.set_lifetimes();
}

}  // namespace rknnc::compiler
