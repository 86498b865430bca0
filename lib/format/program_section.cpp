#include "format/program_section.h"

#include <fmt/format.h>

#include "compiler/layout.h"
#include "util/error.h"

namespace rknnc::format {
namespace {

using nlohmann::json;
using namespace compiler;

json buffer_json(const Buffer& b) {
  return {{"value", b.value},   {"layout", b.layout},         {"c2", b.c2},         {"shape", b.shape},
          {"elem_size", b.elem_size}, {"region", region_name(b.region)}, {"offset", b.offset}, {"bytes", b.bytes},
          {"sram_offset", b.sram_offset}, {"first_step", b.first_step}, {"last_step", b.last_step}};
}

json step_json(const Step& s) {
  return {{"kind", s.kind == Step::Kind::Compute ? "compute" : "reorder"},
          {"node", s.node},
          {"op_type", s.op_type},
          {"name", s.name},
          {"dtype", s.dtype},
          {"device", device_name(s.device)},
          {"reason", s.placement_reason},
          {"inputs", s.inputs},
          {"outputs", s.outputs},
          {"workload", s.workload},
          {"cost",
           {{"macs", s.cost.macs},
            {"array_macs", s.cost.array_macs},
            {"depthwise_macs", s.cost.depthwise_macs},
            {"element_ops", s.cost.element_ops},
            {"ddr_bytes", s.cost.ddr_bytes},
            {"npu_cycles", s.cost.npu_cycles},
            {"ddr_cycles", s.cost.ddr_cycles},
            {"cycles", s.cost.cycles},
            {"time_us", s.cost.time_us},
            {"mac_usage", s.cost.mac_usage}}}};
}

json memory_json(const MemoryPlan& m) {
  return {{"weight_bytes", m.weight_bytes},   {"internal_bytes", m.internal_bytes},
          {"naive_internal_bytes", m.naive_internal_bytes}, {"sram_bytes", m.sram_bytes},
          {"sram_ddr_bytes_saved", m.sram_ddr_bytes_saved}, {"input_bytes", m.input_bytes},
          {"output_bytes", m.output_bytes}, {"other_bytes", m.other_bytes}};
}

// Typed reads that turn any JSON mismatch into one "corrupt" line.
class Reader {
 public:
  explicit Reader(const std::string& what) : what_(what) {}
  [[noreturn]] void corrupt(const std::string& why) const {
    fail("{}: corrupt .rknn file: section 'program': {}; re-convert the model", what_, why);
  }
  const json& at(const json& j, const char* key) const {
    if (!j.is_object() || !j.contains(key)) corrupt(fmt::format("'{}' is missing", key));
    return j.at(key);
  }
  template <typename T> T get(const json& j, const char* key) const {
    try {
      return at(j, key).get<T>();
    } catch (const json::exception&) {
      corrupt(fmt::format("'{}' has the wrong type", key));
    }
  }
  const std::string& what() const { return what_; }

 private:
  const std::string& what_;
};

Region region_from(const Reader& r, const std::string& s) {
  for (Region k : {Region::Input, Region::Output, Region::Internal})
    if (s == region_name(k)) return k;
  r.corrupt(fmt::format("unknown buffer region '{}'", s));
}

Buffer read_buffer(const Reader& r, const json& j, const ir::Graph& g) {
  Buffer b;
  b.value = r.get<std::string>(j, "value");
  if (!g.info(b.value)) r.corrupt(fmt::format("buffer of unknown value '{}'", b.value));
  b.layout = r.get<std::string>(j, "layout");
  b.c2 = r.get<int>(j, "c2");
  b.shape = r.get<std::vector<int64_t>>(j, "shape");
  b.elem_size = r.get<int>(j, "elem_size");
  b.region = region_from(r, r.get<std::string>(j, "region"));
  b.offset = r.get<int64_t>(j, "offset");
  b.bytes = r.get<int64_t>(j, "bytes");
  b.sram_offset = r.get<int64_t>(j, "sram_offset");
  b.first_step = r.get<int>(j, "first_step");
  b.last_step = r.get<int>(j, "last_step");
  for (int64_t d : b.shape)
    if (d < 0 || d > (int64_t{1} << 32)) r.corrupt(fmt::format("buffer of '{}' has a bad shape", b.value));
  const bool blocked = b.layout == kNc1hwc2;
  if ((blocked && (b.shape.size() != 4 || b.c2 < 1 || b.c2 > 256)) || b.elem_size < 1 || b.elem_size > 8 ||
      b.offset < 0 || b.bytes != layout_bytes(b.layout, b.shape, b.c2, static_cast<size_t>(b.elem_size)))
    r.corrupt(fmt::format("buffer of '{}' has an inconsistent layout, size or offset", b.value));
  return b;
}

Step read_step(const Reader& r, const json& j, const ir::Graph& g, size_t buffers) {
  Step s;
  const auto kind = r.get<std::string>(j, "kind");
  if (kind != "compute" && kind != "reorder") r.corrupt(fmt::format("unknown step kind '{}'", kind));
  s.kind = kind == "compute" ? Step::Kind::Compute : Step::Kind::Reorder;
  s.node = r.get<int>(j, "node");
  s.op_type = r.get<std::string>(j, "op_type");
  s.name = r.get<std::string>(j, "name");
  s.dtype = r.get<std::string>(j, "dtype");
  s.device = r.get<std::string>(j, "device") == "NPU" ? Device::Npu : Device::Cpu;
  s.placement_reason = r.get<std::string>(j, "reason");
  s.inputs = r.get<std::vector<int>>(j, "inputs");
  s.outputs = r.get<std::vector<int>>(j, "outputs");
  s.workload = r.get<std::vector<double>>(j, "workload");
  const json& c = r.at(j, "cost");
  s.cost = {r.get<int64_t>(c, "macs"),         r.get<int64_t>(c, "array_macs"), r.get<int64_t>(c, "depthwise_macs"),
            r.get<int64_t>(c, "element_ops"),  r.get<int64_t>(c, "ddr_bytes"),  r.get<double>(c, "npu_cycles"),
            r.get<double>(c, "ddr_cycles"),    r.get<double>(c, "cycles"),      r.get<double>(c, "time_us"),
            r.get<double>(c, "mac_usage")};
  const auto bad_index = [&](int b, bool optional) {
    return (optional && b == -1) ? false : b < 0 || static_cast<size_t>(b) >= buffers;
  };
  bool ok = !s.outputs.empty();
  for (int b : s.inputs) ok = ok && !bad_index(b, true);
  for (int b : s.outputs) ok = ok && !bad_index(b, false);
  if (s.kind == Step::Kind::Compute) {
    ok = ok && s.node >= 0 && static_cast<size_t>(s.node) < g.nodes.size();
    if (ok) {
      const ir::Node& n = *g.nodes[static_cast<size_t>(s.node)];
      ok = n.inputs.size() == s.inputs.size() && n.outputs.size() == s.outputs.size();
    }
  } else {
    ok = ok && s.inputs.size() == 1 && s.inputs[0] >= 0 && s.outputs.size() == 1;
  }
  if (!ok) r.corrupt(fmt::format("step '{}' refers to missing nodes or buffers", s.name));
  return s;
}

Program read_program(const Reader& r, const json& j, const ir::Graph& g) {
  Program p;
  p.target = r.get<std::string>(j, "target");
  p.cores = r.get<int>(j, "cores");
  p.input_shapes = r.get<std::map<std::string, std::vector<int64_t>>>(j, "input_shapes");
  for (const auto& b : r.at(j, "buffers")) p.buffers.push_back(read_buffer(r, b, g));
  for (const auto& s : r.at(j, "steps")) p.steps.push_back(read_step(r, s, g, p.buffers.size()));
  const json& m = r.at(j, "memory");
  p.memory = {r.get<int64_t>(m, "weight_bytes"),   r.get<int64_t>(m, "internal_bytes"),
              r.get<int64_t>(m, "naive_internal_bytes"), r.get<int64_t>(m, "sram_bytes"),
              r.get<int64_t>(m, "sram_ddr_bytes_saved"), r.get<int64_t>(m, "input_bytes"),
              r.get<int64_t>(m, "output_bytes"), r.get<int64_t>(m, "other_bytes")};
  p.total_time_us = r.get<double>(j, "total_time_us");
  p.total_ddr_bytes = r.get<int64_t>(j, "total_ddr_bytes");
  for (const Buffer& b : p.buffers)
    if (b.region == Region::Internal && b.offset + b.bytes > p.memory.internal_bytes)
      r.corrupt(fmt::format("buffer of '{}' lies outside the {}-byte internal arena", b.value, p.memory.internal_bytes));
  if (p.cores < 1 || p.cores > 64) r.corrupt("core count out of range");
  return p;
}

}  // namespace

json programs_to_json(const std::vector<Program>& programs) {
  json out = json::array();
  for (const Program& p : programs) {
    json buffers = json::array(), steps = json::array();
    for (const Buffer& b : p.buffers) buffers.push_back(buffer_json(b));
    for (const Step& s : p.steps) steps.push_back(step_json(s));
    out.push_back({{"target", p.target},
                   {"cores", p.cores},
                   {"input_shapes", p.input_shapes},
                   {"buffers", std::move(buffers)},
                   {"steps", std::move(steps)},
                   {"memory", memory_json(p.memory)},
                   {"total_time_us", p.total_time_us},
                   {"total_ddr_bytes", p.total_ddr_bytes}});
  }
  return out;
}

std::vector<Program> programs_from_json(std::string_view text, const ir::Graph& g, const std::string& what) {
  const Reader r(what);
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) r.corrupt("not a JSON list");
  std::vector<Program> out;
  for (const auto& p : j) out.push_back(read_program(r, p, g));
  return out;
}

}  // namespace rknnc::format
