#include "segkit/export/onnx_export.h"

#include <fmt/format.h>

#include <unordered_set>

#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/strings.h"
#include "segkit/export/aten_converters.h"
#include "segkit/export/dynamic_shapes.h"
#include "segkit/export/traced_graph.h"
#include "segkit/models/inference_copy.h"
#include "segkit/nn/task_outputs.h"

namespace segkit::exporter {
namespace {

constexpr int64_t kMinOpset = 13, kMaxOpset = 17;

void check(const OnnxExportOptions& options) {
  if (options.opset < kMinOpset || options.opset > kMaxOpset) {
    throw ConfigError(fmt::format("--opset {}: segkit writes ONNX opsets {}..{}", options.opset, kMinOpset, kMaxOpset));
  }
  if (options.height <= 0 || options.width <= 0 || options.batch <= 0) {
    throw ConfigError(fmt::format("export size {}x{} (batch {}) must be positive", options.height, options.width,
                                  options.batch));
  }
  static const std::vector<std::string> activations{"none", "sigmoid", "softmax", "auto"};
  if (std::find(activations.begin(), activations.end(), options.activation) == activations.end()) {
    throw ConfigError(fmt::format("--activation '{}'{}; valid: {}", options.activation,
                                  did_you_mean(options.activation, activations), join(activations, ", ")));
  }
}

torch::Tensor apply_activation(const torch::Tensor& masks, const std::string& activation) {
  if (activation == "none") return masks;
  return nn::output_probabilities(masks, activation == "softmax" ? TaskMode::kMulticlass : TaskMode::kMultilabel);
}

// One activation for every model; an ensemble needs probabilities and agreeing models.
std::string ensemble_activation(const std::vector<infer::LoadedModel>& models, const std::string& activation) {
  if (models.empty()) throw ConfigError("ONNX export: no model given");
  const auto resolved = resolved_activation(models.front(), activation);
  if (models.size() == 1) return resolved;
  if (resolved == "none") {
    throw ConfigError(fmt::format("ONNX export of {} models: a fold ensemble averages probabilities, as segkit "
                                  "predict does; give --activation auto, sigmoid or softmax (or pick one with --fold)",
                                  models.size()));
  }
  for (const auto& model : models) {
    if (model.class_names != models.front().class_names || model.mode != models.front().mode ||
        model.model->is_classifier() != models.front().model->is_classifier()) {
      throw ConfigError(fmt::format("ONNX export: {} and {} disagree on their classes or mode",
                                    models.front().source.string(), model.source.string()));
    }
  }
  return resolved;
}

// Drops nodes whose outputs nothing reads (a stack whose sum became Adds) and unread initializers:
// smaller files, and OpenCV 4.6 still runs dead nodes, some of which (5-D concatenations) it cannot.
void prune_unused(OnnxGraph& graph) {
  std::unordered_set<std::string> needed;
  for (const auto& output : graph.outputs) needed.insert(output.name);
  std::vector<OnnxNode> kept;
  for (auto node = graph.nodes.rbegin(); node != graph.nodes.rend(); ++node) {
    const bool used = std::any_of(node->outputs.begin(), node->outputs.end(), [&](const auto& o) { return needed.count(o); });
    if (!used) continue;
    needed.insert(node->inputs.begin(), node->inputs.end());
    kept.push_back(std::move(*node));
  }
  graph.nodes.assign(std::make_move_iterator(kept.rbegin()), std::make_move_iterator(kept.rend()));
  graph.initializers.erase(std::remove_if(graph.initializers.begin(), graph.initializers.end(),
                                          [&](const OnnxTensor& t) { return !needed.count(t.name); }),
                           graph.initializers.end());
}

OnnxGraph convert(const torch::jit::Graph& graph, const std::vector<int64_t>& input_shape, ShapePolicy policy,
                  SymbolicShapes symbolic, const std::vector<std::string>& output_names) {
  OnnxGraphBuilder builder(policy);
  builder.set_symbolic_shapes(std::move(symbolic));
  const auto symbolic_dim = [&](size_t d, int64_t traced) -> std::variant<int64_t, std::string> {
    static const char* names[] = {"batch", "", "height", "width"};
    if (policy.dynamic && d < 4 && d != 1) return std::string(names[d]);
    return traced;
  };
  OnnxValueInfo input{"image", {}};
  for (size_t d = 0; d < input_shape.size(); ++d) input.dims.push_back(symbolic_dim(d, input_shape[d]));
  builder.graph().inputs.push_back(input);
  builder.bind(graph.inputs().at(0), "image");

  const auto& converters = aten_converters();
  size_t position = 0;
  for (const auto* node : graph.nodes()) {
    if (node->kind() == c10::prim::Constant) continue;
    builder.set_node_position(position++);
    if (node->kind() == c10::prim::ListConstruct) continue;  // read by the node that takes the list
    const auto converter = converters.find(node->kind().toQualString());
    if (converter == converters.end()) builder.fail(*node, "has no ONNX conversion in segkit (aten_converters.h)");
    converter->second(*node, builder);
  }

  for (size_t i = 0; i < graph.outputs().size(); ++i) {
    const auto* value = graph.outputs()[i];
    const auto sizes = builder.sizes(value);
    const auto& name = output_names.at(i);
    builder.graph().nodes.push_back({"Identity", {builder.name(value)}, {name}, {}, name});
    OnnxValueInfo output{name, {}};
    for (size_t d = 0; d < sizes.size(); ++d) output.dims.push_back(name == "masks" || d == 0 ? symbolic_dim(d, sizes[d]) : sizes[d]);
    builder.graph().outputs.push_back(output);
  }
  prune_unused(builder.graph());
  return std::move(builder.graph());
}

// Normalize's statistics from the preprocessing list, for runtimes that take mean/std only.
void add_normalize_metadata(const config::json& preprocess, std::vector<std::pair<std::string, std::string>>& metadata) {
  config::json normalize{{"mean", {0.485, 0.456, 0.406}}, {"std", {0.229, 0.224, 0.225}}, {"max_pixel_value", 255.0}};
  bool found = false;
  for (const auto& entry : preprocess) {
    if (entry.is_string() && entry.get<std::string>() == "Normalize") found = true;
    if (entry.is_object() && entry.contains("Normalize")) {
      found = true;
      for (const auto& [key, value] : entry.at("Normalize").items()) {
        if (normalize.contains(key)) normalize[key] = value;
      }
    }
  }
  if (!found) return;
  for (const char* key : {"mean", "std", "max_pixel_value"}) metadata.emplace_back(fmt::format("segkit.{}", key), normalize[key].dump());
}

}  // namespace

std::string resolved_activation(const infer::LoadedModel& model, const std::string& activation) {
  if (activation != "auto") return activation;
  return model.mode == TaskMode::kMulticlass ? "softmax" : "sigmoid";
}

std::vector<std::string> exported_output_names(const std::vector<models::SegmentationModel>& models) {
  if (models.front()->is_classifier()) return {"labels"};
  const bool labels = std::all_of(models.begin(), models.end(), [](const auto& m) { return m->has_classification_head(); });
  return labels ? std::vector<std::string>{"masks", "labels"} : std::vector<std::string>{"masks"};
}

std::vector<torch::Tensor> exported_forward(const std::vector<models::SegmentationModel>& models,
                                            const std::string& activation, const torch::Tensor& input) {
  const auto names = exported_output_names(models);
  const bool labels = names.back() == "labels";
  std::vector<torch::Tensor> sums;
  for (const auto& model : models) {
    auto out = model->forward_with_aux(input, labels);
    std::vector<torch::Tensor> outputs;
    if (names.front() == "masks") outputs.push_back(apply_activation(out.masks, activation));
    if (labels) outputs.push_back(activation == "none" ? out.labels : torch::sigmoid(out.labels));
    if (sums.empty()) {
      sums = outputs;
    } else {
      for (size_t i = 0; i < sums.size(); ++i) sums[i] = sums[i] + outputs[i];
    }
  }
  if (models.size() > 1) {
    for (auto& sum : sums) sum = sum / static_cast<double>(models.size());
  }
  return sums;
}

OnnxModel build_onnx_model(const std::vector<infer::LoadedModel>& loaded, const OnnxExportOptions& options) {
  check(options);
  const auto activation = ensemble_activation(loaded, options.activation);
  // Inference copies fold BatchNorm; channels-last would only add layout ops to the trace.
  std::vector<models::SegmentationModel> copies;
  for (const auto& model : loaded) {
    copies.push_back(models::inference_copy(*model.model, {true, false, nn::Precision::kFloat32}));
    copies.back()->to(torch::kCPU);
    for (auto& parameter : copies.back()->parameters()) parameter.set_requires_grad(false);
  }
  const auto& first = *copies.front();
  const TracedFunction forward = [&](const torch::Tensor& x) { return exported_forward(copies, activation, x); };
  const int64_t channels = first.config().value("in_channels", 3);

  const std::vector<int64_t> shape{options.batch, channels, options.height, options.width};
  std::vector<std::vector<int64_t>> shapes{shape};
  if (options.dynamic) {  // two more sizes, different in every symbolic dimension (dynamic_shapes.h)
    shapes.push_back({shape[0] + 1, channels, shape[2] + 32, shape[3] + 64});
    shapes.push_back({shape[0] + 2, channels, shape[2] + 64, shape[3] + 32});
  }
  std::vector<std::shared_ptr<torch::jit::Graph>> graphs;
  for (const auto& s : shapes) {
    try {
      graphs.push_back(trace_forward(forward, torch::zeros(s)));
    } catch (const c10::Error& e) {  // the model itself cannot take this size (too small for its pooling)
      throw ShapeError(fmt::format("ONNX export: {} cannot run on a {}x{}x{}x{} input: {}", first.arch(), s[0], s[1], s[2],
                                   s[3], e.what_without_backtrace()));
    }
  }
  SymbolicShapes symbolic = options.dynamic ? fit_symbolic_shapes(graphs, shapes) : SymbolicShapes{};

  OnnxModel onnx;
  onnx.opset = options.opset;
  const std::string encoder = first.config().value("encoder_name", "");
  onnx.doc_string = fmt::format("{} ({}){} exported by segkit", first.arch(), encoder,
                                copies.size() > 1 ? fmt::format(", mean of {} models", copies.size()) : "");
  onnx.graph = convert(*graphs.front(), shape, {options.dynamic}, std::move(symbolic), exported_output_names(copies));
  const auto& card = loaded.front();
  onnx.metadata = {{"segkit.arch", first.arch()},
                   {"segkit.encoder", encoder},
                   {"segkit.models", std::to_string(copies.size())},
                   {"segkit.mode", task_mode_name(card.mode)},
                   {"segkit.classes", config::json(card.class_names).dump()},
                   {"segkit.activation", activation},
                   {"segkit.input_size", fmt::format("{}x{}", options.height, options.width)},
                   {"segkit.dynamic", options.dynamic ? "true" : "false"},
                   {"segkit.preprocess", card.preprocess_config.dump()}};
  add_normalize_metadata(card.preprocess_config, onnx.metadata);
  return onnx;
}

void export_onnx(const std::vector<infer::LoadedModel>& models, const OnnxExportOptions& options,
                 const std::filesystem::path& path) {
  write_file_atomic(path, serialize(build_onnx_model(models, options)));
}

}  // namespace segkit::exporter
