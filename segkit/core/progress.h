#pragma once
// Progress reporter for every long operation (epochs, prediction, searches). On a terminal it redraws
// one live bar (at most 10 times a second); when the output is not a terminal (CI, a log file) it
// prints a plain line every `plain_interval_s` seconds and once at the end, so logs stay readable.
//
//   segkit::Progress bar("epoch 3", loader.size());
//   for (auto& batch : loader) { ...; bar.set_postfix(fmt::format("loss {:.4f}", loss)); bar.advance(); }
//   bar.finish();                                   // also done by the destructor
//
// total = 0 means unknown (no percentage or ETA). Not thread-safe: one owner advances it.

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace segkit {

struct ProgressOptions {
  /// Where to draw; defaults to stderr so stdout stays clean for command output.
  std::ostream* out = nullptr;
  /// Forces terminal (true) or plain (false) mode; by default detected with isatty on stderr.
  std::optional<bool> terminal;
  /// Plain mode: seconds between lines (0 prints on every advance).
  double plain_interval_s = 10.0;
  /// Terminal mode: width of the bar in characters.
  int bar_width = 30;
};

class Progress {
 public:
  Progress(std::string label, int64_t total, ProgressOptions options = {});
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(int64_t steps = 1);
  /// Text shown after the counters, e.g. "loss 0.2143".
  void set_postfix(std::string postfix);
  /// Draws the final state and ends the line. Idempotent.
  void finish();

  int64_t count() const { return count_; }

 private:
  using Clock = std::chrono::steady_clock;
  void draw(bool final_draw);
  std::string counters(double elapsed_s) const;

  std::string label_;
  int64_t total_;
  int64_t count_ = 0;
  std::string postfix_;
  ProgressOptions options_;
  std::ostream* out_;
  bool terminal_;
  bool finished_ = false;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

/// "1:02:03" or "02:03".
std::string format_duration(double seconds);

}  // namespace segkit
