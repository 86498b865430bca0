#include "report/inspect.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "config/model_config.h"
#include "format/envelope.h"
#include "frontends/frontend.h"
#include "runtime/kernel.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace rknnc::report {

using nlohmann::json;

json inspect_graph(const ir::Graph& g) {
  return {
      {"graph_name", g.name},
      {"opset", g.opset},
      {"graph_metadata", json(g.metadata)},
      {"inputs", format::describe_values(g, g.inputs)},
      {"outputs", format::describe_values(g, g.outputs)},
      {"node_count", g.nodes.size()},
      {"ops", json(g.op_histogram())},
      {"constant_count", g.initializers.size()},
      {"weight_bytes", g.constant_bytes()},
  };
}

namespace {

// Every tensor a node writes: its op, data type and int8 parameters (hybrid
// quantisation shows its float16 layers and edited scales here).
json layer_tensors(const ir::Graph& g) {
  json out = json::array();
  for (const auto& n : g.nodes)
    for (const auto& name : n->outputs) {
      if (name.empty()) continue;
      json e = format::describe_values(g, {name})[0];
      e["op"] = n->op_type;
      if (const ir::QuantParams* q = g.quant_params(name))
        e["quant"] = {{"qtype", q->qtype}, {"axis", q->axis}, {"scale", q->scale}, {"zero_point", q->zero_point}};
      out.push_back(std::move(e));
    }
  return out;
}

}  // namespace

json inspect_rknn_model(const format::RknnModel& m) {
  json j = inspect_graph(m.graph);
  j["tensors"] = layer_tensors(m.graph);
  for (const char* side : {"inputs", "outputs"})
    for (auto& v : j[side]) {
      const format::TensorAnnotation a = m.annotation(v["name"].get<std::string>());
      v["layout"] = a.layout;
      if (const ir::QuantParams* q = m.graph.quant_params(v["name"].get<std::string>())) v["qtype"] = q->qtype;
    }
  j["model_name"] = m.model_name;
  j["target"] = m.target;
  j["tool_version"] = m.tool_version;
  j["custom_string"] = m.custom_string;
  json pre = json::array();
  for (const auto& p : m.preprocess) pre.push_back({{"input", p.input}, {"mean", p.mean}, {"std", p.std}});
  j["preprocess"] = std::move(pre);
  j["config"] = m.config_echo;
  j["weights_storage"] = m.remove_weights ? "removed" : m.compress_weights ? "zstd" : "plain";
  if (m.remove_weights) j["weights_sha256"] = m.weights_sha256;
  json programs = json::array();
  for (const auto& p : m.programs) {
    int npu = 0, cpu = 0, reorders = 0;
    for (const auto& s : p.steps) {
      reorders += s.kind == compiler::Step::Kind::Reorder;
      (s.device == compiler::Device::Npu ? npu : cpu) += s.kind == compiler::Step::Kind::Compute;
    }
    programs.push_back({{"input_shapes", p.input_shapes}, {"cores", p.cores}, {"npu_steps", npu}, {"cpu_steps", cpu},
                        {"reorders", reorders}, {"internal_bytes", p.memory.internal_bytes},
                        {"estimated_time_us", p.total_time_us}});
  }
  j["programs"] = std::move(programs);
  return j;
}

json inspect_file(const std::filesystem::path& path, const format::EncryptionKey* key,
                  const std::vector<std::vector<int64_t>>& input_shapes) {
  const std::string what = path.string();
  json j;
  if (format::is_rknn_file(path)) {
    const std::string bytes = read_file(path, "model");
    const format::ContainerInfo info = format::read_container(bytes, what);
    j = inspect_rknn_model(format::parse_rknn(bytes, what, key));
    j["format"] = "rknn";
    const int level = format::encryption_level(bytes, info, what);
    j["encryption"] = level ? json{{"level", level}, {"cipher", "AES-256-GCM"}} : json(nullptr);
    j["format_version"] = info.version;
    j["file_bytes"] = info.file_size;
    json sections = json::array();
    for (const auto& s : info.sections)
      sections.push_back({{"kind", s.kind}, {"name", s.name}, {"offset", s.offset}, {"length", s.length},
                          {"crc32", fmt::format("{:08x}", s.crc)}});
    j["sections"] = std::move(sections);
  } else {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) fail_config("{}: model file not found", what);
    const std::string platform = frontends::platform_of_file(path);
    frontends::LoadOptions load;
    load.input_shapes = input_shapes;
    load.options_where = "--input-size";
    j = inspect_graph(frontends::load_model(platform, path, load));
    j["format"] = platform;
    j["file_bytes"] = std::filesystem::file_size(path, ec);
  }
  j["file"] = what;
  return j;
}

json runtime_ops() { return runtime::KernelRegistry::instance().ops(); }

namespace {

std::string shape_text(const json& shape) {
  if (shape.is_null()) return "[?]";
  std::vector<std::string> dims;
  for (const auto& d : shape) dims.push_back(d.get<int64_t>() < 0 ? "?" : std::to_string(d.get<int64_t>()));
  return fmt::format("[{}]", fmt::join(dims, ","));
}

std::string floats_text(const json& v) {
  std::vector<double> values;
  for (const auto& x : v) values.push_back(x.get<double>());
  return fmt::format("[{:g}]", fmt::join(values, ", "));
}

void value_lines(std::string& out, const char* title, const json& values, const json& pre) {
  out += fmt::format("{} ({}):\n", title, values.size());
  for (const auto& v : values) {
    out += fmt::format("  {:<24} {:<8} {}", v["name"].get<std::string>(), v["dtype"].get<std::string>(),
                       shape_text(v["shape"]));
    if (v.contains("layout") && !v["layout"].get<std::string>().empty())
      out += fmt::format("  {}", v["layout"].get<std::string>());
    if (pre.is_array())
      for (const auto& p : pre)
        if (p["input"] == v["name"] && (!p["mean"].empty() || !p["std"].empty()))
          out += fmt::format("  mean={} std={}", floats_text(p["mean"]), floats_text(p["std"]));
    out += "\n";
  }
}

}  // namespace

std::string inspect_text(const json& j) {
  std::string out;
  if (j["format"] == "rknn") {
    out += fmt::format("{}: rknnc container v{}, {} bytes\n", j["file"].get<std::string>(),
                       j["format_version"].get<uint32_t>(), j["file_bytes"].get<uint64_t>());
    out += fmt::format("  model name:     {}\n", j["model_name"].get<std::string>());
    out += fmt::format("  target:         {}\n", j["target"].get<std::string>());
    out += fmt::format("  tool version:   {}\n", j["tool_version"].get<std::string>());
    out += fmt::format("  custom_string:  {}\n", j["custom_string"].get<std::string>());
    if (j.contains("encryption") && j["encryption"].is_object())
      out += fmt::format("  encryption:     level {} ({})\n", j["encryption"]["level"].get<int>(),
                         j["encryption"]["cipher"].get<std::string>());
  } else {
    out += fmt::format("{}: {} model, opset {}, {} bytes\n", j["file"].get<std::string>(),
                       config::format_name(j["format"].get<std::string>()), j["opset"].get<int64_t>(),
                       j["file_bytes"].get<uint64_t>());
  }
  out += fmt::format("  nodes:          {}\n", j["node_count"].get<uint64_t>());
  const std::string storage = j.value("weights_storage", "plain");
  if (storage == "removed") {
    out += fmt::format("  weights:        removed (share with a master model; {} constants, sha256 {})\n",
                       j["constant_count"].get<uint64_t>(), j["weights_sha256"].get<std::string>());
  } else {
    out += fmt::format("  weights:        {} bytes in {} constants", j["weight_bytes"].get<int64_t>(),
                       j["constant_count"].get<uint64_t>());
    if (storage == "zstd" && j.contains("sections"))
      for (const auto& s : j["sections"])
        if (s["name"] == "weights_zstd") out += fmt::format(", zstd-compressed ({} bytes)", s["length"].get<uint64_t>());
    out += "\n";
  }
  if (j.contains("programs"))
    for (const auto& p : j["programs"]) {
      std::vector<std::string> shapes;
      for (const auto& [name, s] : p["input_shapes"].items())
        shapes.push_back(fmt::format("{} {}", name, ir::shape_str(s.get<std::vector<int64_t>>())));
      out += fmt::format("  program:        {}: {} core(s), {} NPU / {} CPU ops, {} reorders, internal arena {} bytes, "
                         "estimated {:.1f} us\n",
                         fmt::join(shapes, ", "), p["cores"].get<int>(), p["npu_steps"].get<int>(),
                         p["cpu_steps"].get<int>(), p["reorders"].get<int>(), p["internal_bytes"].get<int64_t>(),
                         p["estimated_time_us"].get<double>());
    }
  const json pre = j.contains("preprocess") ? j["preprocess"] : json();
  value_lines(out, "inputs", j["inputs"], pre);
  value_lines(out, "outputs", j["outputs"], json());
  out += fmt::format("ops ({} types):\n", j["ops"].size());
  for (const auto& [op, count] : j["ops"].items()) out += fmt::format("  {:<24} {}\n", op, count.get<int64_t>());
  if (j.contains("sections")) {
    out += "sections:\n";
    for (const auto& s : j["sections"])
      out += fmt::format("  {:<10} offset {:>10}  length {:>10}  crc32 {}\n", s["name"].get<std::string>(),
                         s["offset"].get<uint64_t>(), s["length"].get<uint64_t>(), s["crc32"].get<std::string>());
  }
  return out;
}

}  // namespace rknnc::report
