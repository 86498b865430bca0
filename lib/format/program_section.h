#pragma once
// The "program" section (v3): the compiled Programs as JSON (deterministic:
// nlohmann objects keep their keys sorted). The reader checks every index and
// size against the graph before anything uses them.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/program.h"
#include "ir/graph.h"

namespace rknnc::format {

nlohmann::json programs_to_json(const std::vector<compiler::Program>& programs);
// Throws a one-line "corrupt" error naming `what` on any inconsistency.
std::vector<compiler::Program> programs_from_json(std::string_view text, const ir::Graph& g, const std::string& what);

}  // namespace rknnc::format
