// How to run:  build/bin/example_onnx_segment MODEL.onnx IMAGE OUT_PREFIX [--mean m1,m2,m3] [--std s1,s2,s3]
//                                              [--threshold 0.5] [--repeat N]
//
// Deployment without segkit or LibTorch: a model written by `segkit export` segmented with OpenCV
// alone. The program preprocesses as segkit's default validation pipeline does (RGB, Normalize with
// ImageNet statistics unless --mean/--std say otherwise: take them from the file's segkit.mean and
// segkit.std metadata), resizes to the model's input size, runs the network, turns logits into
// probabilities (sigmoid; skip with --probabilities when the export added the activation), resizes
// back and writes one 0/255 PNG per class: OUT_PREFIX_<k>.png. With --repeat it times the forward pass.

#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<double> parse_list(const std::string& text) {
  std::vector<double> values;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');) values.push_back(std::stod(item));
  return values;
}

struct Options {
  std::string model, image, out_prefix;
  std::vector<double> mean{0.485, 0.456, 0.406}, std{0.229, 0.224, 0.225};
  double threshold = 0.5;
  bool probabilities = false;
  int repeat = 0;
  int height = 0, width = 0;  // the model's input size; 0: the image's, padded to a multiple of 32
};

// (pixel / 255 - mean) / std per channel, as segkit's (and albumentations') Normalize.
cv::Mat normalize(const cv::Mat& rgb, const Options& options) {
  cv::Mat image;
  rgb.convertTo(image, CV_32F, 1.0 / 255.0);
  std::vector<cv::Mat> channels;
  cv::split(image, channels);
  for (size_t c = 0; c < channels.size(); ++c) {
    const size_t k = options.mean.size() == 1 ? 0 : c;
    channels[c] = (channels[c] - options.mean[k]) / options.std[k];
  }
  cv::merge(channels, image);
  return image;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s MODEL.onnx IMAGE OUT_PREFIX [--mean a,b,c] [--std a,b,c] [--threshold t] "
                         "[--probabilities] [--size HxW] [--repeat N]\n", argv[0]);
    return 2;
  }
  Options options{argv[1], argv[2], argv[3]};
  for (int i = 4; i < argc; ++i) {
    const std::string flag = argv[i];
    const auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : throw std::runtime_error(flag + " needs a value"); };
    if (flag == "--mean") options.mean = parse_list(value());
    else if (flag == "--std") options.std = parse_list(value());
    else if (flag == "--threshold") options.threshold = std::stod(value());
    else if (flag == "--probabilities") options.probabilities = true;
    else if (flag == "--repeat") options.repeat = std::stoi(value());
    else if (flag == "--size") std::sscanf(value().c_str(), "%dx%d", &options.height, &options.width);
    else throw std::runtime_error("unknown option " + flag);
  }

  cv::Mat bgr = cv::imread(options.image, cv::IMREAD_COLOR);
  if (bgr.empty()) throw std::runtime_error("cannot read image " + options.image);
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);  // segkit trains on RGB, OpenCV decodes BGR
  const cv::Size original = rgb.size();
  const cv::Size input = options.height > 0 ? cv::Size(options.width, options.height)
                                            : cv::Size((original.width + 31) / 32 * 32, (original.height + 31) / 32 * 32);
  cv::Mat resized;
  cv::resize(rgb, resized, input, 0, 0, cv::INTER_LINEAR);
  const cv::Mat blob = cv::dnn::blobFromImage(normalize(resized, options));  // NCHW float32

  cv::dnn::Net net = cv::dnn::readNetFromONNX(options.model);
  net.setInput(blob, "image");
  cv::Mat masks = net.forward("masks");  // [1, K, H, W]
  if (options.repeat > 0) {
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < options.repeat; ++r) {
      net.setInput(blob, "image");
      masks = net.forward("masks");
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::printf("forward %dx%d: %.1f ms per image (%d runs)\n", input.height, input.width, ms / options.repeat,
                options.repeat);
  }

  const int classes = masks.size[1];
  for (int k = 0; k < classes; ++k) {
    cv::Mat channel(masks.size[2], masks.size[3], CV_32F, masks.ptr<float>(0, k));
    cv::Mat probability = channel.clone();
    if (!options.probabilities) {  // sigmoid
      cv::exp(-channel, probability);
      probability = 1.0 / (1.0 + probability);
    }
    cv::resize(probability, probability, original, 0, 0, cv::INTER_LINEAR);
    const cv::Mat mask = probability > options.threshold;
    const std::string path = options.out_prefix + "_" + std::to_string(k) + ".png";
    if (!cv::imwrite(path, mask)) throw std::runtime_error("cannot write " + path);
    std::printf("class %d: %.2f %% of pixels -> %s\n", k, 100.0 * cv::countNonZero(mask) / mask.total(), path.c_str());
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "error: %s\n", e.what());
  return 1;
}
