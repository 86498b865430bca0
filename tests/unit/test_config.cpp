// Parsing every key of table 3-1 and rknn.config, defaults, mean/std forms.
#include <catch2/catch.hpp>

#include "config/nearest.h"
#include "config/yaml_json.h"
#include "config/yaml_lines.h"
#include "tests/unit/test_config_util.h"

using namespace rknnc;
using rknnc::testing::base_entry;
using rknnc::testing::ConfigDir;

TEST_CASE("config: defaults follow 001 §2.2.2", "[config]") {
  ConfigDir d;
  auto cfg = config::load_model_config(d.yaml(base_entry()));
  CHECK(cfg.name == "net");
  CHECK(cfg.platform == "onnx");
  CHECK(cfg.model_file_path == (d.dir / "models/m.onnx").lexically_normal());
  CHECK_FALSE(cfg.quantize);
  CHECK(cfg.dataset.empty());
  CHECK(cfg.rknn_batch_size == 1);
  const auto& c = cfg.configs;
  CHECK(c.mean_values.empty());
  CHECK(c.std_values.empty());
  CHECK(c.quant_img_RGB2BGR.empty());
  CHECK(c.quantized_dtype == "asymmetric_quantized-8");
  CHECK(c.quantized_algorithm == "normal");
  CHECK(c.quantized_method == "channel");
  CHECK(c.float_dtype == "float16");
  CHECK(c.optimization_level == 3);
  CHECK(c.target_platform.empty());
  CHECK(c.custom_string.empty());
  CHECK_FALSE(c.remove_weight);
  CHECK_FALSE(c.compress_weight);
  CHECK_FALSE(c.single_core_mode);
  CHECK_FALSE(c.model_pruning);
  CHECK(c.op_target.empty());
  CHECK(c.dynamic_input.empty());
  CHECK_FALSE(c.quantize_weight);
  CHECK_FALSE(c.remove_reshape);
  CHECK(cfg.warnings.empty());
  // The echo carries every default for build.json.
  CHECK(cfg.echo["configs"]["optimization_level"] == 3);
  CHECK(cfg.echo["configs"]["quantized_algorithm"] == "normal");
  CHECK(cfg.echo["rknn_batch_size"] == 1);
}

TEST_CASE("config: every table 3-1 key and rknn.config parameter is parsed", "[config]") {
  ConfigDir d;
  d.write("data.txt", "a.jpg\n");
  d.write("models/m.prototxt", "");
  d.write("models/m.caffemodel", "");
  d.write("models/m.cfg", "");
  d.write("models/m.weights", "");
  const std::string text = R"(models:
    name: full_model
    platform: onnx
    model_file_path: ./models/m.onnx
    quantize: true
    dataset: ./data.txt
    prototxt_file_path: models/m.prototxt
    caffemodel_file_path: models/m.caffemodel
    darknet_cfg_path: models/m.cfg
    darknet_weights_path: models/m.weights
    rknn_batch_size: 3
    subgraphs:
      input_size_list:
        - 1,3,224,224
        - [1, 10]
      inputs: [data, extra]
      outputs:
        - conv6-1
        - conv6-2
    configs:
      quantized_dtype: asymmetric_quantized-8
      mean_values: [[123.675, 116.28, 103.53], [0]]
      std_values: [[58.395, 57.12, 57.375], [1]]
      quant_img_RGB2BGR: [true, false]
      quantized_algorithm: kl_divergence
      quantized_method: layer
      float_dtype: float16
      optimization_level: 1
      target_platform: rk3588
      custom_string: "v1.2"
      remove_weight: true
      compress_weight: true
      single_core_mode: true
      model_pruning: true
      op_target: {conv6-1: cpu, conv6-2: npu}
      dynamic_input: [[[1,3,224,224],[1,10]], [[1,3,160,160],[1,10]]]
      quantize_weight: true
      remove_reshape: true
)";
  config::LoadOptions opt;
  opt.reject_unsupported = false;  // quantize etc. come with later issues
  auto cfg = config::load_model_config(d.yaml(text), opt);
  CHECK(cfg.name == "full_model");
  CHECK(cfg.quantize);
  CHECK(cfg.dataset == d.dir / "data.txt");
  CHECK(cfg.prototxt_file_path == d.dir / "models/m.prototxt");
  CHECK(cfg.caffemodel_file_path == d.dir / "models/m.caffemodel");
  CHECK(cfg.darknet_cfg_path == d.dir / "models/m.cfg");
  CHECK(cfg.darknet_weights_path == d.dir / "models/m.weights");
  CHECK(cfg.rknn_batch_size == 3);
  CHECK(cfg.subgraphs.input_size_list == std::vector<std::vector<int64_t>>{{1, 3, 224, 224}, {1, 10}});
  CHECK(cfg.subgraphs.inputs == std::vector<std::string>{"data", "extra"});
  CHECK(cfg.subgraphs.outputs == std::vector<std::string>{"conv6-1", "conv6-2"});
  const auto& c = cfg.configs;
  REQUIRE(c.mean_values.size() == 2);
  CHECK(c.mean_values[0] == std::vector<float>{123.675f, 116.28f, 103.53f});
  CHECK(c.mean_values[1] == std::vector<float>{0.0f});
  CHECK(c.std_values[0][1] == Approx(57.12f));
  CHECK(c.quant_img_RGB2BGR == std::vector<bool>{true, false});
  CHECK(c.quantized_algorithm == "kl_divergence");
  CHECK(c.quantized_method == "layer");
  CHECK(c.optimization_level == 1);
  CHECK(c.target_platform == "rk3588");
  CHECK(c.custom_string == "v1.2");
  CHECK(c.remove_weight);
  CHECK(c.compress_weight);
  CHECK(c.single_core_mode);
  CHECK(c.model_pruning);
  CHECK(c.op_target == std::map<std::string, std::string>{{"conv6-1", "cpu"}, {"conv6-2", "npu"}});
  REQUIRE(c.dynamic_input.size() == 2);
  CHECK(c.dynamic_input[1][0] == std::vector<int64_t>{1, 3, 160, 160});
  CHECK(c.quantize_weight);
  CHECK(c.remove_reshape);
  CHECK(cfg.warnings.empty());
}

TEST_CASE("config: flat mean/std list is one input, bool RGB2BGR broadcasts", "[config]") {
  ConfigDir d;
  auto cfg = config::load_model_config(d.yaml(base_entry() +
                                              "  configs:\n    mean_values: [127.5, 127.5, 127.5]\n"
                                              "    std_values: [128, 128.0, 128]\n    quant_img_RGB2BGR: false\n"));
  REQUIRE(cfg.configs.mean_values.size() == 1);
  CHECK(cfg.configs.mean_values[0] == std::vector<float>{127.5f, 127.5f, 127.5f});
  CHECK(cfg.configs.std_values == std::vector<std::vector<float>>{{128.f, 128.f, 128.f}});
  CHECK(cfg.configs.quant_img_RGB2BGR == std::vector<bool>{false});
}

TEST_CASE("config: the 004 §3.1.6 example file parses unchanged", "[config]") {
  ConfigDir d;
  d.write("object_detection.onnx", "");
  d.write("dataset.txt", "");
  const std::string text = R"( models:

    # model output name

    name: object_detection

    # Original model framework

    platform: onnx

    # Model input file path

    model_file_path: ./object_detection.onnx

    # Describe information such as input and output shapes

    subgraphs:

      # model input tensor shape

      input_size_list:

        - 1,3,512,512

      # input tensor name

      inputs:

        - data

      # output tensor name

      outputs:

        - conv6-1

        - conv6-2

        - conv6-3

    # quantification flag

    quantize: true

    # Quantify dataset file path (relative yml path)

    dataset: ./dataset.txt

    configs:
      quantized_dtype: asymmetric_quantized-8

      # rknn.config mean_values

      mean_values: [127.5,127.5,127.5]

      # rknn.config std_values

      std_values: [128.0,128.0,128.0]

      # rknn.config quant_img_RGB2BGR

      quant_img_RGB2BGR: false

      # rknn.config quantized_algorithm

      quantized_algorithm: normal
)";
  config::LoadOptions opt;
  opt.reject_unsupported = false;
  auto cfg = config::load_model_config(d.yaml(text, "object_detection.yml"), opt);
  CHECK(cfg.name == "object_detection");
  CHECK(cfg.subgraphs.input_size_list == std::vector<std::vector<int64_t>>{{1, 3, 512, 512}});
  CHECK(cfg.subgraphs.outputs.size() == 3);
  CHECK(cfg.quantize);
  CHECK(cfg.warnings.empty());
  // …and loads the same with the default options (quantize is supported).
  CHECK(config::load_model_config(d.dir / "object_detection.yml").quantize);
}

TEST_CASE("config: a list of models loads every entry; the first is converted", "[config]") {
  ConfigDir d;
  const std::string text =
      "models:\n"
      "  - {name: a, platform: onnx, model_file_path: models/m.onnx}\n"
      "  - {name: b, platform: onnx, model_file_path: models/m.onnx, configs: {optimization_level: 0}}\n";
  auto all = config::load_model_configs(d.yaml(text));
  REQUIRE(all.size() == 2);
  CHECK(all[1].name == "b");
  CHECK(all[1].configs.optimization_level == 0);
  auto first = config::load_model_config(d.dir / "model.yml");
  CHECK(first.name == "a");
  REQUIRE(first.warnings.size() == 1);
  CHECK_THAT(first.warnings[0], Catch::Contains("converting only the first"));
}

TEST_CASE("config: unknown keys warn with the nearest known key", "[config]") {
  ConfigDir d;
  auto cfg = config::load_model_config(
      d.yaml(base_entry() + "  configs:\n    mean_value: [1, 2, 3]\n  subgraph:\n    inputs: [x]\nextra_top: 1\n"));
  REQUIRE(cfg.warnings.size() == 3);
  const std::string all = cfg.warnings[0] + "\n" + cfg.warnings[1] + "\n" + cfg.warnings[2];
  CHECK_THAT(all, Catch::Contains("model.yml: unknown key configs.mean_value (did you mean mean_values?)"));
  CHECK_THAT(all, Catch::Contains("unknown key subgraph (did you mean subgraphs?)"));
  CHECK_THAT(all, Catch::Contains("unknown key extra_top"));
  CHECK(cfg.configs.mean_values.empty());  // ignored, not guessed
}

TEST_CASE("config: PyYAML scalar rules (YAML 1.1 booleans, quoted strings)", "[config]") {
  auto j = config::yaml_text_to_json("a: yes\nb: Off\nc: '3'\nd: 3\ne: 1.5\nf: ~\ng: 1,3,4\nh: .inf\ni: \"true\"\n", "t.yml");
  CHECK(j["a"] == true);
  CHECK(j["b"] == false);
  CHECK(j["c"] == "3");
  CHECK(j["d"].is_number_integer());
  CHECK(j["e"] == 1.5);
  CHECK(j["f"].is_null());
  CHECK(j["g"] == "1,3,4");
  CHECK(std::isinf(j["h"].get<double>()));
  CHECK(j["i"] == "true");
}

TEST_CASE("config: edit distance and nearest name", "[config]") {
  CHECK(config::edit_distance("mean_value", "mean_values") == 1);
  CHECK(config::edit_distance("", "abc") == 3);
  CHECK(config::edit_distance("kitten", "sitting") == 3);
  CHECK(config::edit_distance("rk3858", "rk3588") == 1);  // a swap is one step
  CHECK(config::nearest("rk3855", {"rk3588", "rv1106"}) == "rk3588");
  CHECK(config::nearest("zzzzzzzzzz", {"rk3588", "rv1106"}).empty());
}

TEST_CASE("config: every unsupported-table key is a real schema key", "[config]") {
  // A row naming a key the schema does not know could never fire.
  ConfigDir d;
  for (const auto& row : config::unsupported_keys()) {
    std::string key = row.key;
    std::string yaml = base_entry();
    const std::string value = std::string(row.key) == "platform" ? "caffe" : std::string(row.key) == "dataset" ? "./x.txt"
                              : std::string(row.default_json) == "false" ? "true" : std::string(row.default_json) == "1" ? "2"
                              : std::string(row.key) == "configs.op_target" ? "{a: cpu}"
                              : std::string(row.key) == "configs.quantized_dtype" ? "w8a8" : "[[[1,3,8,8]]]";
    if (key == "platform") {
      yaml = "models:\n  name: net\n  platform: caffe\n  prototxt_file_path: models/m.onnx\n  caffemodel_file_path: models/m.onnx\n";
    } else if (key.rfind("configs.", 0) == 0) {
      yaml += "  configs:\n    " + key.substr(8) + ": " + value + "\n";
    } else {
      yaml += "  " + key + ": " + value + "\n";
    }
    INFO(yaml);
    const auto msg = rknnc::testing::usage_error([&] { config::load_model_config(d.yaml(yaml)); });
    CHECK_THAT(msg, Catch::Contains("model.yml: " + key) && Catch::Contains("is not supported; "));
    CHECK(msg.find('\n') == std::string::npos);
    // …and parses when the check is off.
    config::LoadOptions opt;
    opt.reject_unsupported = false;
    CHECK_NOTHROW(config::load_model_config(d.dir / "model.yml", opt));
  }
}

TEST_CASE("YamlLines finds the line of a key path, and of the deepest part that exists", "[config]") {
  const config::YamlLines lines("# head\na:\n  b:\n    - 1\n    - 2\n  \"c d\": x\n");
  CHECK(lines.of({"a"}) == 2);
  CHECK(lines.of({"a", "b"}) == 3);
  CHECK(lines.of({"a", "b", "1"}) == 5);
  CHECK(lines.of({"a", "c d"}) == 6);
  CHECK(lines.of({"a", "missing", "x"}) == 2);
  CHECK(lines.of({}) == 1);
}
