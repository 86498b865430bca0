// Every malformed config is one exit-2 line naming the file and the key.
#include <catch2/catch.hpp>

#include "config/yaml_json.h"
#include "tests/unit/test_config_util.h"

using namespace rknnc;
using rknnc::testing::base_entry;
using rknnc::testing::ConfigDir;
using rknnc::testing::usage_error;

namespace {

struct BadCase {
  const char* what;
  std::string yaml;
  std::string expect;  // substring of the message (after the "model.yml: " prefix)
};

const std::string kHead = "models:\n  name: net\n  platform: onnx\n  model_file_path: models/m.onnx\n";

}  // namespace

TEST_CASE("config errors: malformed configs give one line naming file and key", "[config]") {
  ConfigDir d;
  const std::vector<BadCase> cases = {
      {"bad YAML syntax", "models:\n  name: [net\n  platform: onnx\n", "line "},
      {"tab/indent error", "models:\n  name: net\n platform: onnx\n", "YAML syntax error"},
      {"empty file", "", "models: the file must be a mapping"},
      {"top level is a list", "- a\n- b\n", "models: the file must be a mapping"},
      {"models missing", "model:\n  name: net\n", "models: required key is missing"},
      {"models is a string", "models: net\n", "models: got \"net\""},
      {"models is an empty list", "models: []\n", "models: got []"},
      {"name missing", "models:\n  platform: onnx\n  model_file_path: models/m.onnx\n", "name: required key is missing"},
      {"platform missing", "models:\n  name: net\n  model_file_path: models/m.onnx\n", "platform: required key is missing"},
      {"unknown platform", "models:\n  name: net\n  platform: keras\n  model_file_path: models/m.onnx\n",
       "platform: got \"keras\"; expected one of onnx"},
      {"traversal name", "models:\n  name: ../../etc/evil\n  platform: onnx\n  model_file_path: models/m.onnx\n",
       "name: '../../etc/evil' is not a safe file name"},
      {"hidden-file name", "models:\n  name: .bashrc\n  platform: onnx\n  model_file_path: models/m.onnx\n",
       "name: '.bashrc' is not a safe file name"},
      {"slash in name", "models:\n  name: a/b\n  platform: onnx\n  model_file_path: models/m.onnx\n",
       "name: 'a/b' is not a safe file name"},
      {"empty name", "models:\n  name: ''\n  platform: onnx\n  model_file_path: models/m.onnx\n", "name: got \"\""},
      {"numeric name", "models:\n  name: 12\n  platform: onnx\n  model_file_path: models/m.onnx\n", "name: got 12"},
      {"model file missing", "models:\n  name: net\n  platform: onnx\n  model_file_path: models/nope.onnx\n",
       "model_file_path: " + (d.dir / "models/nope.onnx").string() + " not found"},
      {"model_file_path missing", "models:\n  name: net\n  platform: onnx\n",
       "model_file_path: required for platform onnx"},
      {"quantize wrong type", kHead + "  quantize: maybe\n", "quantize: got \"maybe\"; expected true or false"},
      {"optimization_level 7", kHead + "  configs:\n    optimization_level: 7\n",
       "configs.optimization_level: got 7; expected an integer from 0 to 3"},
      {"optimization_level float", kHead + "  configs:\n    optimization_level: 2.5\n",
       "configs.optimization_level: got 2.5"},
      {"unknown quantized_algorithm", kHead + "  configs:\n    quantized_algorithm: best\n",
       "configs.quantized_algorithm: got \"best\"; expected one of normal, kl_divergence, mmse"},
      {"unknown quantized_method", kHead + "  configs:\n    quantized_method: tensor\n",
       "configs.quantized_method: got \"tensor\"; expected one of layer, channel"},
      {"unknown quantized_dtype", kHead + "  configs:\n    quantized_dtype: int3\n", "configs.quantized_dtype: got \"int3\""},
      {"RK182x quantized_dtype not yet supported", kHead + "  configs:\n    quantized_dtype: w4a16\n",
       "configs.quantized_dtype: \"w4a16\" is not supported; rknnc quantises to int8"},
      {"float_dtype bfloat16", kHead + "  configs:\n    float_dtype: bfloat16\n", "configs.float_dtype: got \"bfloat16\""},
      {"input_size_list malformed string", kHead + "  subgraphs:\n    input_size_list:\n      - 1,3,a,224\n",
       "subgraphs.input_size_list[0]: got \"1,3,a,224\"; expected a shape"},
      {"input_size_list zero dim", kHead + "  subgraphs:\n    input_size_list:\n      - [1, 0, 8, 8]\n",
       "subgraphs.input_size_list[0]: got [1,0,8,8]"},
      {"input_size_list not a list", kHead + "  subgraphs:\n    input_size_list: 1,3,8,8\n",
       "subgraphs.input_size_list: got \"1,3,8,8\""},
      {"input_size_list vs inputs count", kHead + "  subgraphs:\n    input_size_list: [[1,3,8,8]]\n    inputs: [a, b]\n",
       "subgraphs.input_size_list: 1 shapes for 2 inputs"},
      {"mean list of strings", kHead + "  configs:\n    mean_values: [a, b, c]\n",
       "configs.mean_values: got [\"a\",\"b\",\"c\"]; expected a list of numbers"},
      {"mean is a number", kHead + "  configs:\n    mean_values: 127\n", "configs.mean_values: got 127"},
      {"std zero", kHead + "  configs:\n    std_values: [1, 0, 1]\n", "configs.std_values: a std value is 0"},
      {"mean/std list count differ", kHead + "  configs:\n    mean_values: [[1,2,3],[1]]\n    std_values: [[1,2,3]]\n",
       "configs.mean_values: 2 per-input lists but std_values has 1"},
      {"RGB2BGR string", kHead + "  configs:\n    quant_img_RGB2BGR: 'no'\n", "configs.quant_img_RGB2BGR: got \"no\""},
      {"op_target bad device", kHead + "  configs:\n    op_target: {conv1: tpu}\n", "configs.op_target"},
      {"subgraphs.outputs not a list", kHead + "  subgraphs:\n    outputs: out\n", "subgraphs.outputs: got \"out\""},
      {"configs is a list", kHead + "  configs: [1, 2]\n", "configs: got [1,2]"},
      {"rknn_batch_size 0", kHead + "  rknn_batch_size: 0\n", "rknn_batch_size: got 0"},
      {"duplicate key", kHead + "  name: other\n", "duplicate key 'name'"},
      {"duplicate model names", "models:\n  - {name: a, platform: onnx, model_file_path: models/m.onnx}\n"
                                "  - {name: a, platform: onnx, model_file_path: models/m.onnx}\n",
       "models[1].name: 'a' is used twice"},
      {"list entry not a mapping", "models:\n  - net\n", "models[0]: got \"net\""},
      {"list entry bad key", "models:\n  - {name: a, platform: onnx, model_file_path: models/m.onnx, quantize: 3}\n",
       "models[0].quantize: got 3"},
      {"custom_string too long", kHead + "  configs:\n    custom_string: " + std::string(1100, 'x') + "\n",
       "configs.custom_string: got"},
      {"not supported: platform", "models:\n  name: net\n  platform: tensorflow\n  model_file_path: models/m.onnx\n",
       "platform: \"tensorflow\" is not supported; rknnc loads ONNX, TorchScript, TFLite models: convert the model to ONNX with "
       "`python3 -m tf2onnx.convert --graphdef"},
      {"pytorch without input_size_list", "models:\n  name: net\n  platform: pytorch\n  model_file_path: models/m.pt\n",
       "subgraphs.input_size_list: required for platform pytorch (a TorchScript file records no input shapes)"},
      {"name over the file name limit", "models:\n  name: " + std::string(201, 'a') + "\n  platform: onnx\n"
       "  model_file_path: models/m.onnx\n", "models.name: '" + std::string(40, 'a') + "…' is 201 bytes long"},
      {"name over the limit in a list", "models:\n  - {name: " + std::string(300, 'b') +
       ", platform: onnx, model_file_path: models/m.onnx}\n", "models[0].name: '" + std::string(40, 'b') + "…' is 300"},
      {"shape dim too big for int64", kHead + "  subgraphs:\n    input_size_list:\n      - 1,3,99999999999999999999,8\n",
       "subgraphs.input_size_list: dimension 99999999999999999999 is out of range"},
      {"shape dim over the element limit", kHead + "  subgraphs:\n    input_size_list:\n      - [1, 3, 4294967296]\n",
       "subgraphs.input_size_list: dimension 4294967296 is out of range; a dim is an integer from 1 to 2147483648"},
      {"dynamic_input dim over the limit", kHead + "  configs:\n    dynamic_input: [[[1, 3, 99999999999, 8]]]\n",
       "configs.dynamic_input: dimension 99999999999 is out of range"},
      {"mean beyond float32", kHead + "  configs:\n    mean_values: [1e999, 0, 0]\n",
       "configs.mean_values: inf is not a finite float32 number"},
      {"std beyond float32", kHead + "  configs:\n    std_values: [1e39]\n", "configs.std_values: 1e+39 is not a finite"},
      {"rknn_batch_size beyond int", kHead + "  rknn_batch_size: 99999999999\n", "rknn_batch_size: got 99999999999"},
      {"not UTF-8", "models:\n  name: t\xff\n  platform: onnx\n  model_file_path: models/m.onnx\n",
       "line 2: byte 18 is not UTF-8 text; save the file as UTF-8"},
      {"NUL byte", std::string("models:\n  name: t\0_x\n  platform: onnx\n  model_file_path: models/m.onnx\n", 71),
       "line 2: byte 18 is the control character 0x00; a YAML file is plain text: remove it"},
      {"merge key merging a list of scalars", "b: &b [1, 2]\n" + kHead + "  <<: *b\n",
       "models.<<: a merge key `<<` takes a mapping"},
  };
  REQUIRE(cases.size() >= 15);
  for (const auto& c : cases) {
    INFO(c.what << "\n" << c.yaml);
    const auto path = d.yaml(c.yaml);
    const std::string msg = usage_error([&] { config::load_model_config(path); });
    CHECK(msg.rfind(path.string() + ":", 0) == 0);  // names the file first
    CHECK_THAT(msg, Catch::Contains(c.expect));
    CHECK(msg.find('\n') == std::string::npos);
    CHECK(msg.find("<root>") == std::string::npos);  // no raw valijson dump
  }
}

TEST_CASE("config errors: a missing YAML file is a usage error naming it", "[config]") {
  ConfigDir d;
  const auto msg = usage_error([&] { config::load_model_config(d.dir / "absent.yml"); });
  CHECK_THAT(msg, Catch::Contains("absent.yml: no such file"));
}

TEST_CASE("config errors: a non-default value of an unsupported key fails only when set", "[config]") {
  ConfigDir d;
  // Defaults spelled out are fine.
  CHECK_NOTHROW(config::load_model_config(
      d.yaml(base_entry() + "  quantize: false\n  rknn_batch_size: 1\n  configs:\n    single_core_mode: false\n"
                            "    op_target: null\n    dynamic_input: ~\n")));
  const auto msg = usage_error([&] {
    config::load_model_config(d.yaml(base_entry() + "  configs:\n    quantized_dtype: w8a8\n"));
  });
  CHECK_THAT(msg, Catch::Contains("configs.quantized_dtype: \"w8a8\" is not supported; rknnc quantises to int8 "
                                 "(asymmetric_quantized-8); remove the key"));
}

TEST_CASE("config errors: YAML size, nesting and alias expansion are bounded", "[config]") {
  ConfigDir d;
  auto fails_with = [&](const std::string& yaml, const std::string& expect) {
    const auto path = d.yaml(yaml);
    const std::string msg = usage_error([&] { config::load_model_config(path); });
    INFO(msg.substr(0, 300));
    CHECK(msg.rfind(path.string() + ":", 0) == 0);
    CHECK_THAT(msg, Catch::Contains(expect));
    CHECK(msg.find('\n') == std::string::npos);
  };
  // An alias bomb: 9 levels of 9 aliases stand for 9^9 values.
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 9; ++k) bomb += (k ? ", *a" : "*a") + std::to_string(i - 1);
    bomb += "]\n";
  }
  fails_with(bomb + base_entry(), "its aliases repeat more than 1000000 values");
  // The same through merge keys: each level merges the previous mapping and nests it once more.
  std::string merges = "m0: &m0 {k0: [x, x, x, x, x, x, x, x, x, x]}\n";
  for (int i = 1; i < 24; ++i) {
    const std::string prev = "*m" + std::to_string(i - 1), me = std::to_string(i);
    merges += "m" + me + ": &m" + me + " {<<: " + prev + ", x" + me + ": " + prev + "}\n";
  }
  fails_with(merges + base_entry(), "more than 1000000 values");
  // Nesting through aliases (each line one level deeper) and literally.
  std::string chain = "l0: &l0 [x]\n";
  for (int i = 1; i < 100; ++i) chain += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [*l" + std::to_string(i - 1) + "]\n";
  fails_with(chain + base_entry(), ": l63[0][0]");
  fails_with(chain + base_entry(), "nested more than 64 levels deep");
  fails_with("models: " + std::string(100000, '[') + std::string(100000, ']') + "\n", "line 1: nested more than 64 levels");
  fails_with("models: " + std::string(100000, '{') + std::string(100000, '}') + "\n", "line 1");
  std::string at_limit = "models";
  for (int i = 0; i < 64; ++i) at_limit += "[0]";
  fails_with("models: " + std::string(70, '[') + std::string(70, ']') + "\n", at_limit + ": nested more than 64");
  // Size: a file over the limit is refused before it is parsed.
  fails_with(base_entry() + std::string(config::kMaxYamlBytes, '#') + "\n", "more than the 8388608 a YAML file may have");
}

TEST_CASE("config: merge keys merge mappings as PyYAML does", "[config]") {
  ConfigDir d;
  const auto cfg = config::load_model_config(d.yaml(
      "base: &base {platform: onnx, model_file_path: models/m.onnx, configs: {optimization_level: 1}}\n"
      "fast: &fast {configs: {optimization_level: 2}, quantize: false}\n"
      "models:\n  <<: [*fast, *base]\n  name: merged\n  quantize: true\n"));
  CHECK(cfg.name == "merged");
  CHECK(cfg.platform == "onnx");
  CHECK(cfg.quantize);                             // an explicit key wins over a merged one
  CHECK(cfg.configs.optimization_level == 2);      // the earlier mapping of the list wins
  const std::string quoted = usage_error([&] {  // a quoted "<<" is an ordinary (unknown) key, not a merge
    config::load_model_config(d.yaml("models:\n  '<<': {name: x}\n  platform: onnx\n  model_file_path: models/m.onnx\n"));
  });
  CHECK_THAT(quoted, Catch::Contains("name: required key is missing"));
}
