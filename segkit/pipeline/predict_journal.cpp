#include "segkit/pipeline/predict_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "segkit/core/error.h"
#include "segkit/core/logging.h"

namespace segkit::pipeline {
namespace {

// One write() per line, so a kill tears at most the last line.
void append_line(const std::filesystem::path& path, const std::string& line, bool truncate) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | (truncate ? O_TRUNC : O_APPEND), 0644);
  if (fd < 0) throw IoError("cannot write " + path.string());
  const std::string text = line + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) throw IoError("cannot write " + path.string());
}

}  // namespace

PredictJournal::PredictJournal(const std::filesystem::path& dir, const std::string& fingerprint)
    : path_(dir / ".predict_journal.jsonl") {
  std::ifstream in(path_);
  std::string line;
  if (in && std::getline(in, line) && line == fingerprint) {
    while (std::getline(in, line)) {
      try {
        const auto entry = nlohmann::json::parse(line);
        submit::PredictionImage image{entry.at("id").get<std::string>(), entry.at("stem").get<std::string>(),
                                      entry.at("height").get<int>(), entry.at("width").get<int>()};
        done_[image.id] = image;
      } catch (const nlohmann::json::exception&) {
        break;  // a line torn by a kill: everything after it is redone
      }
    }
    if (!done_.empty()) log::info("resuming: {} images of an interrupted run are complete", done_.size());
    return;
  }
  in.close();
  append_line(path_, fingerprint, /*truncate=*/true);
}

const submit::PredictionImage* PredictJournal::done(const std::string& id) const {
  const auto found = done_.find(id);
  return found == done_.end() ? nullptr : &found->second;
}

void PredictJournal::record(const submit::PredictionImage& image) {
  append_line(path_,
              nlohmann::json{{"id", image.id}, {"stem", image.stem}, {"height", image.height}, {"width", image.width}}
                  .dump(),
              /*truncate=*/false);
}

void PredictJournal::finish() { std::filesystem::remove(path_); }

}  // namespace segkit::pipeline
