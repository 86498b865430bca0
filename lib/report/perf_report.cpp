#include "report/perf_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace rknnc::report {
namespace {

using nlohmann::json;
using namespace compiler;

constexpr const char* kEstimateNote =
    "ESTIMATE from the rknnc cost model (docs/cost-model.md), not a measurement on a board";

std::string shapes_str(const Program& p, const std::vector<int>& buffers) {
  std::vector<std::string> parts;
  for (int b : buffers)
    if (b >= 0) parts.push_back(fmt::format("({})", fmt::join(p.buffers[static_cast<size_t>(b)].shape, ",")));
  return fmt::format("{}", fmt::join(parts, " "));
}

std::string workload_str(const std::vector<double>& w) {
  std::vector<std::string> parts;
  for (double x : w) parts.push_back(fmt::format("{:.1f}%", x));
  return fmt::format("{}", fmt::join(parts, "/"));
}

json step_row(const Program& p, const Step& s, size_t id) {
  json row = {{"id", id},
          {"op_type", s.op_type},
          {"data_type", s.dtype},
          {"target", device_name(s.device)},
          {"input_shape", shapes_str(p, s.inputs)},
          {"output_shape", shapes_str(p, s.outputs)},
          {"ddr_cycles", static_cast<int64_t>(s.cost.ddr_cycles)},
          {"npu_cycles", static_cast<int64_t>(s.cost.npu_cycles)},
          {"max_cycles", static_cast<int64_t>(s.cost.cycles)},
          {"time_us", s.cost.time_us},
          {"mac_usage", s.cost.mac_usage},
          {"workload", s.workload},
          {"macs", s.cost.macs},
          {"array_macs", s.cost.array_macs},
          {"depthwise_macs", s.cost.depthwise_macs},
          {"element_ops", s.cost.element_ops},
          {"ddr_bytes", s.cost.ddr_bytes},
          {"largest_share", s.workload.empty() ? 1.0 : *std::max_element(s.workload.begin(), s.workload.end()) / 100.0},
          {"rw_kb", static_cast<double>(s.cost.ddr_bytes) / 1024.0},
          {"full_name", s.name},
          {"reason", s.placement_reason}};
  if (s.cost.sparse_kept < 1.0) row["sparse"] = s.cost.sparse_kept < 0.5 ? "16:4" : "4:2";  // configs.sparse_infer
  return row;
}

// CallNumber / CPUTime / NPUTime / TotalTime / TimeRatio per op type.
json op_summary(const Program& p) {
  struct Sum {
    int calls = 0;
    double cpu = 0, npu = 0;
  };
  std::map<std::string, Sum> by_op;
  for (const Step& s : p.steps) {
    Sum& x = by_op[s.op_type];
    ++x.calls;
    (s.device == Device::Npu ? x.npu : x.cpu) += s.cost.time_us;
  }
  json rows = json::array();
  for (const auto& [op, x] : by_op)
    rows.push_back({{"op_type", op},
                    {"call_number", x.calls},
                    {"cpu_time_us", x.cpu},
                    {"gpu_time_us", 0.0},
                    {"npu_time_us", x.npu},
                    {"total_time_us", x.cpu + x.npu},
                    {"time_ratio", p.total_time_us > 0 ? 100.0 * (x.cpu + x.npu) / p.total_time_us : 0.0}});
  return rows;
}

std::string mib(int64_t bytes) {
  const double b = static_cast<double>(bytes);
  return b < 1024.0 * 1024.0 ? fmt::format("{:.2f} KiB", b / 1024.0) : fmt::format("{:.2f} MiB", b / (1024.0 * 1024.0));
}

}  // namespace

json perf_json(const Program& p, const ir::Graph&, const target::Target& t, const std::string& model) {
  json layers = json::array();
  for (size_t i = 0; i < p.steps.size(); ++i) layers.push_back(step_row(p, p.steps[i], i + 1));
  return {{"estimate", true},
          {"note", kEstimateNote},
          {"model", model},
          {"target", t.name},
          {"npu_clock_mhz", t.npu.clock_mhz},
          {"cores", p.cores},
          {"layers", std::move(layers)},
          {"op_summary", op_summary(p)},
          {"summary",
           {{"total_time_us", p.total_time_us},
            {"fps", p.total_time_us > 0 ? 1e6 / p.total_time_us : 0.0},
            {"total_rw_kb", static_cast<double>(p.total_ddr_bytes) / 1024.0},
            {"npu_steps", std::count_if(p.steps.begin(), p.steps.end(), [](const Step& s) { return s.device == Device::Npu; })},
            {"cpu_steps", std::count_if(p.steps.begin(), p.steps.end(), [](const Step& s) { return s.device == Device::Cpu; })}}}};
}

json memory_json(const Program& p, const std::string& model) {
  const MemoryPlan& m = p.memory;
  return {{"estimate", true},
          {"note", "ESTIMATE from the rknnc memory plan (internal arena with reuse, §9.3), not a measurement"},
          {"model", model},
          {"target", p.target},
          {"weight_bytes", m.weight_bytes},
          {"internal_bytes", m.internal_bytes},
          {"other_bytes", m.other_bytes},
          {"total_bytes", m.weight_bytes + m.internal_bytes + m.other_bytes},
          {"naive_internal_bytes", m.naive_internal_bytes},
          {"internal_vs_naive", m.naive_internal_bytes > 0 ? static_cast<double>(m.internal_bytes) /
                                                                 static_cast<double>(m.naive_internal_bytes)
                                                           : 0.0},
          {"input_bytes", m.input_bytes},
          {"output_bytes", m.output_bytes},
          {"sram", {{"bytes_used", m.sram_bytes}, {"ddr_bytes_saved_per_frame", m.sram_ddr_bytes_saved}}}};
}

std::string perf_text(const json& perf) {
  std::string out = fmt::format("{}\nTarget: {}, NPU {} MHz, {} core(s)\n\n", perf["note"].get<std::string>(),
                                perf["target"].get<std::string>(), perf["npu_clock_mhz"].get<double>(),
                                perf["cores"].get<int>());
  const bool multi = perf["cores"].get<int>() > 1;
  std::string workload_header = "WorkLoad(0";
  for (int c = 1; c < perf["cores"].get<int>(); ++c) workload_header += fmt::format("/{}", c);
  workload_header += ")";
  out += fmt::format("{:<5} {:<18} {:<8} {:<6} {:<24} {:<18} {:>10} {:>10} {:>10} {:>10} {:>11} {}{:>10}  {}\n", "ID",
                     "OpType", "DataType", "Target", "InputShape", "OutputShape", "DDRCycles", "NPUCycles", "MaxCycles",
                     "Time(us)", "MacUsage(%)", multi ? fmt::format("{:<24}", workload_header) : "", "RW(KB)",
                     "FullName");
  for (const auto& l : perf["layers"])
    out += fmt::format("{:<5} {:<18} {:<8} {:<6} {:<24} {:<18} {:>10} {:>10} {:>10} {:>10.1f} {:>11.2f} {}{:>10.1f}  {}\n",
                       l["id"].get<int>(), l["op_type"].get<std::string>(), l["data_type"].get<std::string>(),
                       l["target"].get<std::string>(), l["input_shape"].get<std::string>(),
                       l["output_shape"].get<std::string>(), l["ddr_cycles"].get<int64_t>(),
                       l["npu_cycles"].get<int64_t>(), l["max_cycles"].get<int64_t>(), l["time_us"].get<double>(),
                       l["mac_usage"].get<double>(),
                       multi ? fmt::format("{:<24}", workload_str(l["workload"].get<std::vector<double>>())) : "",
                       l["rw_kb"].get<double>(), l["full_name"].get<std::string>());
  const auto& s = perf["summary"];
  out += fmt::format("\nTotal Operator Elapsed Per Frame Time(us): {:.1f}\n", s["total_time_us"].get<double>());
  out += fmt::format("Total Memory Read/Write Per Frame Size(KB): {:.1f}\n", s["total_rw_kb"].get<double>());
  out += fmt::format("Estimated FPS: {:.1f}\n\n", s["fps"].get<double>());
  out += fmt::format("{:<20} {:>10} {:>12} {:>12} {:>12} {:>13} {:>12}\n", "OpType", "CallNumber", "CPUTime(us)",
                     "GPUTime(us)", "NPUTime(us)", "TotalTime(us)", "TimeRatio(%)");
  for (const auto& r : perf["op_summary"])
    out += fmt::format("{:<20} {:>10} {:>12.1f} {:>12.1f} {:>12.1f} {:>13.1f} {:>12.2f}\n", r["op_type"].get<std::string>(),
                       r["call_number"].get<int>(), r["cpu_time_us"].get<double>(), r["gpu_time_us"].get<double>(),
                       r["npu_time_us"].get<double>(), r["total_time_us"].get<double>(), r["time_ratio"].get<double>());
  return out;
}

std::string memory_text(const json& m) {
  return fmt::format(
      "======================================================\n"
      "            Memory Profile Info Dump\n"
      "======================================================\n"
      "{}\n"
      "NPU model memory detail(bytes):\n"
      "    Weight Memory: {}\n"
      "    Internal Tensor Memory: {} (no reuse: {})\n"
      "    Other Memory: {}\n"
      "    Total Memory: {}\n"
      "======================================================\n",
      m["note"].get<std::string>(), mib(m["weight_bytes"].get<int64_t>()), mib(m["internal_bytes"].get<int64_t>()),
      mib(m["naive_internal_bytes"].get<int64_t>()), mib(m["other_bytes"].get<int64_t>()),
      mib(m["total_bytes"].get<int64_t>()));
}

json placement_json(const Program& p) {
  json nodes = json::array();
  int npu = 0, cpu = 0, sparse = 0;
  for (const Step& s : p.steps) {
    if (s.kind != Step::Kind::Compute) continue;
    (s.device == Device::Npu ? npu : cpu)++;
    json row = {{"node", s.name}, {"op_type", s.op_type}, {"device", device_name(s.device)}, {"dtype", s.dtype}};
    if (!s.placement_reason.empty()) row["reason"] = s.placement_reason;
    if (s.device == Device::Npu && p.cores > 1) row["workload"] = s.workload;
    if (s.cost.sparse_kept < 1.0) {
      row["sparse"] = s.cost.sparse_kept < 0.5 ? "16:4" : "4:2";
      ++sparse;
    }
    nodes.push_back(std::move(row));
  }
  const auto reorders = std::count_if(p.steps.begin(), p.steps.end(),
                                      [](const Step& s) { return s.kind == Step::Kind::Reorder; });
  return {{"cores", p.cores}, {"npu_nodes", npu}, {"cpu_nodes", cpu}, {"reorders", reorders},
          {"sparse_convs", sparse}, {"nodes", std::move(nodes)}};
}

}  // namespace rknnc::report
