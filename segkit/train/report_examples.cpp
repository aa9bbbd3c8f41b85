#include "segkit/train/report_examples.h"

#include <torch/torch.h>

#include <opencv2/core.hpp>

#include "segkit/config/yaml_loader.h"
#include "segkit/core/atomic_file.h"
#include "segkit/loader/mat_tensor.h"
#include "segkit/nn/task_outputs.h"

namespace segkit::train {
namespace {

cv::Mat display_image(const torch::Tensor& chw) {
  auto planes = chw.to(torch::kCPU).to(torch::kFloat32);
  if (planes.size(0) == 1) planes = planes.expand({3, -1, -1});
  planes = planes.slice(0, 0, 3);
  const auto low = planes.flatten(1).amin(1).view({3, 1, 1});
  const auto high = planes.flatten(1).amax(1).view({3, 1, 1});
  const auto scaled = ((planes - low) / (high - low).clamp_min(1e-6) * 255.0).round().to(torch::kUInt8);
  return loader::chw_to_mat(scaled);
}

cv::Mat binary_mask(const torch::Tensor& chw) { return loader::chw_to_mat(chw.to(torch::kUInt8)); }

}  // namespace

void add_report_examples(const loader::Batch& batch, const torch::Tensor& mask_logits, TaskMode mode, double threshold,
                         size_t max, std::vector<report::ReportExample>& examples) {
  const auto predicted = nn::predicted_masks(nn::output_probabilities(mask_logits.to(torch::kCPU), mode), mode, threshold);
  for (int64_t i = 0; i < batch.size() && examples.size() < max; ++i) {
    report::ReportExample example;
    example.id = batch.ids[i];
    example.image = display_image(batch.images[i]);
    if (batch.has_masks()) example.truth = binary_mask(batch.masks[i].gt(0.5));
    example.prediction = binary_mask(predicted[i]);
    examples.push_back(std::move(example));
  }
}

void write_report_now(const std::filesystem::path& run_dir, const std::vector<std::string>& class_names,
                      const std::string& monitor, const std::string& config_text,
                      const std::vector<report::ReportExample>& examples) {
  report::ReportInfo info;
  info.title = "segkit training: " + run_dir.filename().string();
  info.class_names = class_names;
  info.monitor = monitor;
  info.config_yaml = config_text;
  if (const auto file = run_dir / kConfusionFile; std::filesystem::exists(file)) {
    info.confusion_matrix = config::json::parse(read_file(file)).at("counts").get<std::vector<std::vector<int64_t>>>();
  }
  report::write_report(run_dir, info, examples);
}

}  // namespace segkit::train
