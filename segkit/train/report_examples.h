#pragma once
// Glue between training and report.html: turns validation batches into the report's example
// panels and writes the report after every epoch (so a killed run still has one).

#include <filesystem>
#include <string>
#include <vector>

#include "segkit/core/task_mode.h"
#include "segkit/loader/batch.h"
#include "segkit/report/report.h"

namespace segkit::train {

/// Appends examples from `batch` (images shown with a per-channel min-max stretch, since the
/// normalisation statistics are the pipeline's business) until `examples` holds `max`.
void add_report_examples(const loader::Batch& batch, const torch::Tensor& mask_logits, TaskMode mode, double threshold,
                         size_t max,
                         std::vector<report::ReportExample>& examples);

/// Multiclass runs: the validation confusion matrix of the best epoch, in the run's fold directory
/// ({"epoch", "classes", "counts": rows of true class, columns of predicted class}).
inline constexpr const char* kConfusionFile = "confusion_matrix.json";

/// Writes report.html from log.jsonl, with kConfusionFile's matrix when the run has one.
void write_report_now(const std::filesystem::path& run_dir, const std::vector<std::string>& class_names,
                      const std::string& monitor, const std::string& config_text,
                      const std::vector<report::ReportExample>& examples);

}  // namespace segkit::train
