#include "segkit/pipeline/predict_run.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "segkit/core/background_consumer.h"
#include "segkit/core/atomic_file.h"
#include "segkit/core/error.h"
#include "segkit/core/logging.h"
#include "segkit/core/progress.h"
#include "segkit/io/image_io.h"
#include "segkit/data/subset_dataset.h"
#include "segkit/pipeline/image_source.h"
#include "segkit/pipeline/predict_journal.h"
#include "segkit/pipeline/probability_file.h"
#include "segkit/postprocess/postprocess_config.h"
#include "segkit/report/example_panel.h"
#include "segkit/report/overlay.h"
#include "segkit/submit/prediction_dir.h"
#ifdef SEGKIT_WITH_GDAL
#include "segkit/data/geotiff_dataset.h"
#include "segkit/io/geotiff.h"
#endif

namespace segkit::pipeline {
namespace {

namespace fs = std::filesystem;

// GeoTIFF inputs get their masks back as GeoTIFFs on the same grid (one Byte band per class, 0/1),
// so GIS tools overlay them on the source.
void write_georeferenced(const PredictRequest& request, const data::Dataset& dataset, size_t position,
                         const std::string& stem, const cv::Mat& masks) {
#ifdef SEGKIT_WITH_GDAL
  if (const auto* chips = dynamic_cast<const data::GeoTiffDataset*>(&dataset)) {
    if (request.predictor.output_size) {
      throw ConfigError("--output-size does not apply to GeoTIFF inputs: their masks keep the input's grid");
    }
    std::filesystem::create_directories(request.out_dir / "geotiff");
    io::write_geotiff(request.out_dir / "geotiff" / (stem + ".tif"), masks, chips->georeference(position));
  }
#else
  (void)request, (void)dataset, (void)position, (void)stem, (void)masks;
#endif
}

// Everything that changes the output files, so a resumed run only continues an identical command.
std::string fingerprint(const PredictRequest& request, const std::vector<std::string>& classes) {
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& run : request.runs) runs.push_back(fs::absolute(run).lexically_normal().string());
  const auto& p = request.predictor;
  nlohmann::json value = {
      {"runs", runs},
      {"input", fs::absolute(request.input).lexically_normal().string()},
      {"classes", classes},
      {"tta", p.tta.name},
      {"merge", p.tta.merge},
      {"scales", p.tta.scales},
      {"widths", p.tta.widths},
      {"tile", p.tiles ? p.tiles->tile : 0},
      {"overlap", p.tiles ? p.tiles->overlap : 0},
      {"blend", p.tiles ? p.tiles->blend : std::string()},
      {"output_size", p.output_size ? std::vector<int>{p.output_size->height, p.output_size->width} : std::vector<int>{}},
      {"fast_path", p.fast_path},
      {"precision", nn::precision_name(p.precision)},
      {"postprocess", request.postprocess ? read_file(*request.postprocess) : std::string()},
      {"save", {request.save_masks, request.save_probabilities, request.save_labels}},
      {"overlays", request.overlays ? request.overlays->string() : std::string()}};
  return value.dump();
}

// The image with the predicted masks; beside it the true masks when the source has labels.
void write_overlay(const fs::path& file, data::Sample sample, const cv::Mat& masks) {
  cv::Mat image = sample.image;
  if (image.depth() != CV_8U) cv::normalize(image, image, 0, 255, cv::NORM_MINMAX, CV_8U);
  if (image.size() != masks.size()) cv::resize(image, image, masks.size(), 0, 0, cv::INTER_AREA);  // --output-size
  if (image.channels() == 1) cv::cvtColor(image, image, cv::COLOR_GRAY2RGB);
  if (sample.has_mask() && sample.mask.size() == masks.size() && sample.mask.channels() == masks.channels()) {
    io::write_image(file, report::example_panel({sample.id, image, sample.mask, masks}, std::max(image.rows, image.cols)));
  } else {
    io::write_image(file, report::overlay_masks(image, masks));
  }
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// OUT/class_probabilities.csv (id, one column per class) from the probability files, the
// resumed run's included; returns per class the images whose probability is above 0.5.
std::vector<size_t> write_class_probability_table(const fs::path& dir, const submit::PredictionIndex& index) {
  std::vector<size_t> present(index.classes.size(), 0);
  std::string table = "id";
  for (const auto& name : index.classes) table += "," + csv_field(name);
  table += "\n";
  for (const auto& image : index.images) {
    const auto labels = read_class_probabilities(dir, image.stem, index.classes.size());
    if (!labels) throw DataError(fmt::format("{}: no class probabilities", probability_path(dir, image.stem).string()));
    table += csv_field(image.id);
    for (size_t k = 0; k < labels->size(); ++k) {
      table += fmt::format(",{:.6f}", (*labels)[k]);
      present[k] += (*labels)[k] > 0.5f;
    }
    table += "\n";
  }
  write_file_atomic(dir / "class_probabilities.csv", table);
  return present;
}

}  // namespace

PredictSummary predict_to_directory(const PredictRequest& request) {
  if (request.runs.empty()) throw ConfigError("predict needs at least one --run");
  std::vector<infer::LoadedModel> models;
  for (const auto& run : request.runs) {
    auto loaded = infer::load_models(run, request.predictor);
    models.insert(models.end(), loaded.begin(), loaded.end());
  }
  infer::Predictor predictor(std::move(models), request.predictor);
  const auto dataset = open_image_source(request.input);
  const auto& classes = predictor.class_names();
  const bool multiclass = predictor.mode() == TaskMode::kMulticlass;
  if (multiclass && request.postprocess) {
    throw ConfigError(fmt::format("{}: the models are multiclass, whose masks are the argmax of the softmax; "
                                  "post-processing rules (thresholds, sizes) do not apply",
                                  request.postprocess->string()));
  }
  if (request.save_labels && !multiclass) {
    throw ConfigError("--save labels writes one class per pixel: it needs a multiclass model (model.mode multiclass), "
                      "and these models are " + task_mode_name(predictor.mode()));
  }
  if (request.save_labels && classes.size() > 255) {
    throw ConfigError(fmt::format("--save labels writes 8-bit PNGs: at most 255 classes, the models have {}", classes.size()));
  }
  postprocess::PostprocessConfig post;
  if (request.postprocess) post = postprocess::read_postprocess_config(*request.postprocess, classes);
  const bool classifiers_only = !predictor.predicts_masks();
  if (classifiers_only && (request.postprocess || request.overlays || request.save_labels)) {
    throw ConfigError("the models are classifiers: they predict class probabilities, no masks to post-process, "
                      "overlay or label (use the predictions as `segkit ensemble --classifier`, or predict with "
                      "segmentation models and the classifier together)");
  }

  fs::create_directories(request.out_dir);
  fs::remove(request.out_dir / "index.json");  // the directory is incomplete until the new index
  if (request.overlays) fs::create_directories(*request.overlays);
  remove_abandoned_temp_files(request.out_dir);  // left by a killed run
  if (request.overlays) remove_abandoned_temp_files(*request.overlays);

  // A rerun of the same command after a kill skips the images whose outputs are complete.
  PredictJournal journal(request.out_dir, fingerprint(request, classes));
  std::vector<std::optional<submit::PredictionImage>> written(dataset->size());
  std::vector<size_t> todo;
  for (size_t i = 0; i < dataset->size(); ++i) {
    if (const auto* done = journal.done(dataset->id(i))) {
      written[i] = *done;
    } else {
      todo.push_back(i);
    }
  }

  PredictSummary summary;
  summary.classes = classes;
  summary.images_with_class.assign(classes.size(), 0);
  for (const auto& image : written) {  // images of an interrupted run: a mask file exists iff not empty
    for (size_t k = 0; image && k < classes.size(); ++k) {
      summary.images_with_class[k] += fs::exists(request.out_dir / "masks" / image->stem / (classes[k] + ".png"));
    }
  }
  Progress bar("predict", static_cast<int64_t>(dataset->size()));
  bar.advance(static_cast<int64_t>(dataset->size() - todo.size()));
  size_t next = 0;  // index into todo of the prediction the writer gets next
  // Post-processing and writing run in their own thread, overlapping the next image's inference
  // (the loader's workers already overlap decoding); a few predictions wait at most.
  BackgroundConsumer<infer::Prediction> writer(4, [&](infer::Prediction& prediction) {
    const size_t position = todo[next++];
    if (classifiers_only) {
      const submit::PredictionImage image{prediction.id, submit::image_stem(prediction.id), prediction.size.height,
                                          prediction.size.width};
      write_probabilities(request.out_dir, image.stem, prediction.id, {}, prediction.class_probabilities);
      journal.record(image);
      written[position] = image;
      bar.advance();
      return;
    }
    const auto bytes = probability_bytes(prediction.probabilities);
    std::vector<cv::Mat> planes;
    cv::Mat labels;
    if (multiclass) {
      const auto argmax = prediction.probabilities.argmax(0).to(torch::kUInt8).contiguous();
      labels = cv::Mat(prediction.size, CV_8U, argmax.data_ptr<uint8_t>()).clone();
      planes = submit::label_planes(labels, classes.size());
      for (size_t k = 0; k < classes.size(); ++k) summary.images_with_class[k] += cv::countNonZero(planes[k]) > 0;
    }
    for (size_t k = 0; !multiclass && k < classes.size(); ++k) {
      const cv::Mat probability(prediction.size, CV_8U, bytes[static_cast<int64_t>(k)].data_ptr<uint8_t>());
      std::optional<double> class_probability;
      if (prediction.class_probabilities.defined()) {
        class_probability = prediction.class_probabilities[static_cast<int64_t>(k)].item<double>();
      }
      planes.push_back(postprocess::apply_postprocess(probability, post.for_class(classes[k]), class_probability));
      if (cv::countNonZero(planes.back()) > 0) ++summary.images_with_class[k];
    }
    cv::Mat masks;
    cv::merge(planes, masks);
    const auto image = request.save_masks
                           ? submit::write_prediction_masks(request.out_dir, prediction.id, masks, classes)
                           : submit::PredictionImage{prediction.id, submit::image_stem(prediction.id),
                                                     prediction.size.height, prediction.size.width};
    if (request.save_labels) submit::write_prediction_labels(request.out_dir, prediction.id, labels, classes);
    if (request.save_probabilities) {
      write_probabilities(request.out_dir, image.stem, prediction.id, bytes, prediction.class_probabilities);
    }
    write_georeferenced(request, *dataset, position, image.stem, masks);
    if (request.overlays) write_overlay(*request.overlays / (image.stem + ".jpg"), dataset->get(position), masks);
    journal.record(image);
    written[position] = image;
    bar.advance();
  });
  if (!todo.empty()) {
    const auto remaining = todo.size() == dataset->size() ? dataset : std::make_shared<data::SubsetDataset>(dataset, todo);
    predictor.predict_dataset(remaining, [&](const infer::Prediction& prediction) { writer.push(prediction); });
  }
  writer.finish();
  bar.finish();

  submit::PredictionIndex index{classes, {}, multiclass ? TaskMode::kMulticlass : TaskMode::kMultilabel};
  for (const auto& image : written) index.images.push_back(*image);
  summary.images = index.images.size();
  if (classifiers_only) {
    index.has_masks = summary.masks = false;
    summary.images_with_class = write_class_probability_table(request.out_dir, index);
  }
  submit::write_prediction_index(request.out_dir, index);
  journal.finish();
  return summary;
}

}  // namespace segkit::pipeline
