#pragma once
// Numerical parity with segmentation_models_pytorch, as ../shared/parity/README.md defines it: fill
// every state_dict entry by the formula `segkit-fill-v1`, run a formula input, compare with SMP's
// output. run_parity_case() works for any case file in that format, not only the shipped ones.
//
//   auto report = segkit::models::run_parity_case("shared/parity/unet_resnet34.json");
//   std::cout << report.summary();  if (!report.passed()) ...

#include <filesystem>
#include <string>
#include <vector>

#include <torch/nn/module.h>

namespace segkit::models {

/// Fills every parameter and buffer except num_batches_tracked by recipe segkit-fill-v1 (float64
/// arithmetic, rounded once to the tensor's dtype).
void fill_segkit_v1(torch::nn::Module& module);

/// x[i] = sin(0.05 i) (or cos for `cosine`), i the flat index within one image.
torch::Tensor parity_image(const std::vector<int64_t>& chw, bool cosine);

struct ParityCheck {
  std::string what;      // "eval output", "names and shapes", ...
  bool passed = false;
  std::string detail;    // errors and tolerances
};

struct ParityReport {
  std::string case_name;
  std::vector<ParityCheck> checks;
  bool passed() const;
  std::string summary() const;
};

/// Throws DataError when the case file is unreadable; mismatches are reported, not thrown.
ParityReport run_parity_case(const std::filesystem::path& case_file);

}  // namespace segkit::models
