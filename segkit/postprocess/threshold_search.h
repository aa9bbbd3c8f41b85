#pragma once
// Fits each class's threshold, min_area and (with classifier outputs) cls_threshold on out-of-fold
// predictions, maximising that class's Kaggle mean Dice (per image 2|P & T| / (|P| + |T|), 1 when
// both are empty). docs/pipeline.md, "Tuning", gives the grids.
//
//   auto oof = read_oof(find_oof_files(run_dir));
//   auto result = search_postprocess(oof, {"1", "2", "3", "4"});
//   std::cout << format_search_table(result);
//   write_postprocess_config(run_dir / "postprocess.yaml", result.to_config());

#include <optional>
#include <string>
#include <vector>

#include "segkit/postprocess/class_postprocess.h"
#include "segkit/postprocess/oof_reader.h"
#include "segkit/postprocess/postprocess_config.h"

namespace segkit::postprocess {

struct SearchOptions {
  /// Candidate min_area values; empty: default_min_areas() of the mean image area.
  std::vector<int> min_areas{};
  /// Searches cls_threshold when every image carries classifier probabilities.
  bool search_cls_threshold = true;
  /// A fixed min_total rule searched under and written with the result (the pneumothorax pipelines'
  /// noise_th, at the out-of-fold images' size); 0: none.
  int min_total = 0;
  /// Likewise a fixed min_prob_sum (probabilities summed over the image); 0: none.
  double min_prob_sum = 0.0;
  /// Classes searched at once; 0: hardware_concurrency.
  int threads = 0;
};

struct ClassSearchResult {
  std::string name{};
  /// The best parameters (fill_holes and shape keep their defaults, min_total is the options').
  ClassPostprocess params{};
  /// Mean Dice at threshold 0.5, min_area 0, no gating.
  double default_dice = 0.0;
  double tuned_dice = 0.0;
};

struct SearchResult {
  std::vector<ClassSearchResult> classes{};
  /// Means over classes, i.e. over every (image, class) pair as Kaggle scores.
  double mean_default_dice() const;
  double mean_tuned_dice() const;
  PostprocessConfig to_config() const;
};

/// The area in pixels the default min_area grid is written for: 350 x 525, the clouds pipelines'
/// working size, where the published grids (up to 20000) come from.
constexpr double kReferenceArea = 350.0 * 525.0;

/// {0, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 20000} * image_area / kReferenceArea, rounded,
/// duplicates removed.
std::vector<int> default_min_areas(double image_area);

/// Searches every class (in parallel). `class_names` must hold oof.num_classes names. Throws ShapeError.
SearchResult search_postprocess(const OofData& oof, const std::vector<std::string>& class_names,
                                const SearchOptions& options = {});

/// The SIIM kernel's way: search every fold's out-of-fold data on its own and average the optima
/// (threshold and cls_threshold as means, min_area as the rounded mean; a gate only when every fold
/// chose one), then score the averages on `all` (every fold together). Throws as search_postprocess.
SearchResult search_postprocess_per_fold(const std::vector<OofData>& folds, const OofData& all,
                                         const std::vector<std::string>& class_names, const SearchOptions& options = {});

/// The mean Dice of one class under `params`, through apply_postprocess (the reference the search's
/// fast path must agree with).
double mean_dice(const OofData& oof, int class_index, const ClassPostprocess& params);

/// A plain-text table: class, default Dice, tuned Dice, threshold, min_area, cls_threshold, then the mean.
std::string format_search_table(const SearchResult& result);

}  // namespace segkit::postprocess
