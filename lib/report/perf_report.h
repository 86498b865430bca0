#pragma once
// Estimated eval_perf / eval_memory (004 §3.2.3, §3.2.4, ch. 9) from the
// compiler's cost model and memory plan: {name}.perf.json / .perf.txt and
// {name}.memory.json / memory text. Every table says it is an estimate.
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/program.h"
#include "ir/graph.h"
#include "target/target.h"

namespace rknnc::report {

// Described by schemas/perf.schema.json and schemas/memory.schema.json.
nlohmann::json perf_json(const compiler::Program& p, const ir::Graph& g, const target::Target& t,
                         const std::string& model);
nlohmann::json memory_json(const compiler::Program& p, const std::string& model);
// The eval_perf table layout of §3.2.3 (one row per step, totals, per-op summary).
std::string perf_text(const nlohmann::json& perf);
// The "Memory Profile Info Dump" layout of §3.2.4.
std::string memory_text(const nlohmann::json& memory);
// {placement summary, per-node table} for build.json.
nlohmann::json placement_json(const compiler::Program& p);

}  // namespace rknnc::report
