// check_against_model: config vs the loaded graph.
#include <catch2/catch.hpp>

#include "ir/graph.h"
#include "tests/unit/test_config_util.h"

using namespace rknnc;
using rknnc::testing::base_entry;
using rknnc::testing::ConfigDir;
using rknnc::testing::usage_error;

namespace {

ir::Graph graph_with(const std::vector<std::pair<std::string, ir::Shape>>& inputs) {
  ir::Graph g;
  for (const auto& [name, shape] : inputs) {
    g.inputs.push_back(name);
    g.values[name] = {ir::DataType::Float32, shape, true};
  }
  g.outputs = {"out"};
  g.values["out"] = {ir::DataType::Float32, {1, 10}, true};
  g.values["mid"] = {ir::DataType::Float32, {1, 8}, true};
  return g;
}

config::ModelConfig load(const ConfigDir& d, const std::string& extra) {
  return config::load_model_config(d.yaml(base_entry() + extra));
}

}  // namespace

TEST_CASE("check_against_model: matching mean/std per channel passes", "[config]") {
  ConfigDir d;
  const auto g = graph_with({{"images", {1, 3, 8, 8}}});
  CHECK_NOTHROW(config::check_against_model(load(d, "  configs:\n    mean_values: [0, 0, 0]\n    std_values: [[1,1,1]]\n"), g));
  CHECK_NOTHROW(config::check_against_model(load(d, ""), g));
  // NHWC input: channels are the last dim.
  const auto nhwc = graph_with({{"images", {1, 224, 224, 3}}});
  CHECK_NOTHROW(config::check_against_model(load(d, "  configs:\n    mean_values: [1, 2, 3]\n"), nhwc));
}

TEST_CASE("check_against_model: mean count vs channels names input and key", "[config]") {
  ConfigDir d;
  const auto g = graph_with({{"images", {1, 3, 8, 8}}});
  auto msg = usage_error([&] { config::check_against_model(load(d, "  configs:\n    mean_values: [1, 2]\n"), g); });
  CHECK_THAT(msg, Catch::Contains("model.yml: configs.mean_values has 2 values, input 'images' has 3 channels"));
  msg = usage_error([&] { config::check_against_model(load(d, "  configs:\n    std_values: [1, 2, 3, 4]\n"), g); });
  CHECK_THAT(msg, Catch::Contains("configs.std_values has 4 values, input 'images' has 3 channels"));
}

TEST_CASE("check_against_model: one list per input", "[config]") {
  ConfigDir d;
  const auto g = graph_with({{"a", {1, 3, 8, 8}}, {"b", {1, 1, 8, 8}}});
  auto msg = usage_error([&] { config::check_against_model(load(d, "  configs:\n    mean_values: [1, 2, 3]\n"), g); });
  CHECK_THAT(msg, Catch::Contains("configs.mean_values has 1 per-input list, the model has 2 inputs (a, b)"));
  CHECK_NOTHROW(config::check_against_model(load(d, "  configs:\n    mean_values: [[1, 2, 3], [4]]\n"), g));
  msg = usage_error([&] { config::check_against_model(load(d, "  configs:\n    mean_values: [[1, 2, 3], [4, 5]]\n"), g); });
  CHECK_THAT(msg, Catch::Contains("has 2 values, input 'b' has 1 channels"));
  msg = usage_error(
      [&] { config::check_against_model(load(d, "  configs:\n    quant_img_RGB2BGR: [true, false, true]\n"), g); });
  CHECK_THAT(msg, Catch::Contains("configs.quant_img_RGB2BGR has 3 values, the model has 2 inputs"));
}

TEST_CASE("check_against_model: subgraph names must exist", "[config]") {
  ConfigDir d;
  const auto g = graph_with({{"images", {1, 3, 8, 8}}});
  auto msg = usage_error([&] { config::check_against_model(load(d, "  subgraphs:\n    inputs: [image]\n"), g); });
  CHECK_THAT(msg, Catch::Contains("model.yml: subgraphs.inputs[0]: the model has no tensor 'image' (did you mean 'images'?)"));
  msg = usage_error([&] { config::check_against_model(load(d, "  subgraphs:\n    outputs: [out, logits]\n"), g); });
  CHECK_THAT(msg, Catch::Contains("subgraphs.outputs[1]: the model has no tensor 'logits'"));
  CHECK_NOTHROW(config::check_against_model(load(d, "  subgraphs:\n    outputs: [mid]\n"), g));
}

TEST_CASE("check_against_model: input_size_list count and rank", "[config]") {
  ConfigDir d;
  const auto g = graph_with({{"images", {1, 3, 8, 8}}});
  auto msg = usage_error(
      [&] { config::check_against_model(load(d, "  subgraphs:\n    input_size_list: [[1,3,8,8],[1,3,8,8]]\n"), g); });
  CHECK_THAT(msg, Catch::Contains("subgraphs.input_size_list has 2 shapes, the model has 1 input (images)"));
  msg = usage_error([&] { config::check_against_model(load(d, "  subgraphs:\n    input_size_list: ['1,3,8']\n"), g); });
  CHECK_THAT(msg, Catch::Contains("subgraphs.input_size_list[0] is [1,3,8] (rank 3), input 'images' has rank 4"));
  // The override's channel count is what mean_values is checked against.
  msg = usage_error([&] {
    config::check_against_model(load(d, "  subgraphs:\n    input_size_list: ['1,4,16,16']\n  configs:\n    mean_values: [1,2,3]\n"), g);
  });
  CHECK_THAT(msg, Catch::Contains("input 'images' has 4 channels"));
}
