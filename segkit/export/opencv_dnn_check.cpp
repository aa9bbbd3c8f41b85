#include "segkit/export/opencv_dnn_check.h"

#include <fmt/format.h>

#include <fmt/ranges.h>

#include <opencv2/dnn.hpp>

#include "segkit/core/error.h"

namespace segkit::exporter {

std::vector<torch::Tensor> run_with_opencv_dnn(const std::filesystem::path& onnx, const torch::Tensor& input,
                                               const std::vector<std::string>& outputs) {
  auto contiguous = input.to(torch::kCPU, torch::kFloat).contiguous();
  std::vector<int> dims(contiguous.sizes().begin(), contiguous.sizes().end());
  const cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F, contiguous.data_ptr<float>());
  std::vector<cv::Mat> results;
  try {
    auto net = cv::dnn::readNetFromONNX(onnx.string());
    net.setInput(blob, "image");
    std::vector<cv::String> names(outputs.begin(), outputs.end());
    net.forward(results, names);
  } catch (const cv::Exception& e) {
    throw ExportError(fmt::format("{}: OpenCV {} DNN cannot run it: {}", onnx.string(), CV_VERSION, e.what()));
  }
  std::vector<torch::Tensor> tensors;
  for (const auto& mat : results) {
    std::vector<int64_t> sizes(mat.size.p, mat.size.p + mat.dims);
    tensors.push_back(torch::from_blob(const_cast<float*>(mat.ptr<float>()), sizes, torch::kFloat).clone());
  }
  return tensors;
}

OnnxCheck check_with_opencv_dnn(const std::vector<infer::LoadedModel>& loaded, const OnnxExportOptions& options,
                                const std::filesystem::path& onnx) {
  std::vector<models::SegmentationModel> models;
  for (const auto& model : loaded) {
    model.model->eval();
    models.push_back(model.model);
  }
  const int64_t channels = models.front()->config().value("in_channels", 3);
  const auto input = torch::randn({options.batch, channels, options.height, options.width},
                                  torch::Generator(at::detail::createCPUGenerator(20261203)));
  std::vector<torch::Tensor> expected;
  {
    torch::NoGradGuard no_grad;
    const auto device = models.front()->encoder().parameters().front().device();
    for (const auto& t : exported_forward(models, resolved_activation(loaded.front(), options.activation), input.to(device))) {
      expected.push_back(t.cpu());
    }
  }
  const auto names = exported_output_names(models);
  const auto actual = run_with_opencv_dnn(onnx, input, names);
  OnnxCheck check;
  std::vector<torch::Tensor> flat;
  for (size_t i = 0; i < expected.size(); ++i) {
    if (actual[i].sizes() != expected[i].sizes()) {
      throw ExportError(fmt::format("{}: output '{}' has shape {} in OpenCV DNN, {} in segkit", onnx.string(), names[i],
                                    fmt::join(actual[i].sizes(), "x"), fmt::join(expected[i].sizes(), "x")));
    }
    check.max_abs_diff = std::max(check.max_abs_diff, (actual[i] - expected[i]).abs().max().item<double>());
    flat.push_back(expected[i].flatten());
  }
  check.reference_std = torch::cat(flat).std().item<double>();
  check.passed = check.max_abs_diff <= 1e-4 * std::max(1.0, check.reference_std);
  return check;
}

}  // namespace segkit::exporter
