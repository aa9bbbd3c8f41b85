#pragma once
// The progress of a `segkit predict` run, so a killed run resumes instead of starting over:
// OUT/.predict_journal.jsonl holds the run's fingerprint (models, TTA, sizes, post-processing, saved
// outputs: everything that changes the files) on its first line, then one line per image whose
// outputs are all written. Re-running the same command skips those images; a different command
// starts over. The journal is removed once index.json is written. A line torn by a kill is ignored
// (that image is predicted again; its files are written atomically either way).

#include <filesystem>
#include <map>
#include <string>

#include "segkit/submit/prediction_dir.h"

namespace segkit::pipeline {

class PredictJournal {
 public:
  /// Continues the journal in `dir` when its fingerprint equals `fingerprint`, else starts a new one.
  PredictJournal(const std::filesystem::path& dir, const std::string& fingerprint);
  /// The image's entry when its outputs are complete, else null.
  const submit::PredictionImage* done(const std::string& id) const;
  size_t done_count() const { return done_.size(); }
  /// Appends the image (after all its files are written).
  void record(const submit::PredictionImage& image);
  /// Removes the journal (the index is written: the directory is complete).
  void finish();

 private:
  std::filesystem::path path_;
  std::map<std::string, submit::PredictionImage> done_;
};

}  // namespace segkit::pipeline
