#pragma once
// Out-of-fold data of the other stages of a two-stage pipeline (the clouds solutions), joined by
// image id to a segmentation run's, so that `segkit tune` fits thresholds, min_area and the
// classifier's cls_threshold on the output the pipeline really produces:
//   classifier   its class probabilities replace the run's own `labels` (a separate classifier,
//                arch: classifier, or another run's classification head)
//   emptiness    where its mask is empty under its rules, the final mask is empty too (seg1, as
//                `segkit ensemble --empty-from`)
//
//   auto oof = read_oof(find_oof_files("runs/seg2"));
//   attach_classifier(oof, read_oof(find_oof_files("runs/cls")), "runs/cls");
//   attach_emptiness(oof, read_oof(find_oof_files("runs/seg1")), seg1_rules, class_names, "runs/seg1");
//   auto result = search_postprocess(oof, class_names);

#include <string>
#include <vector>

#include "segkit/postprocess/oof_reader.h"
#include "segkit/postprocess/postprocess_config.h"

namespace segkit::postprocess {

/// Sets every image's labels to `classifier`'s for the same id. DataError naming `source` when the
/// class counts differ, or an image has no classifier probabilities there.
void attach_classifier(OofData& oof, const OofData& classifier, const std::string& source);

/// Sets every image's `emptied` flags: class k is emptied where `emptiness`'s probabilities for the
/// same id give an empty mask under `rules` (class_names name the classes). DataError naming
/// `source` when the class counts differ, it has no maps, or it lacks an image.
void attach_emptiness(OofData& oof, const OofData& emptiness, const PostprocessConfig& rules,
                      const std::vector<std::string>& class_names, const std::string& source);

}  // namespace segkit::postprocess
