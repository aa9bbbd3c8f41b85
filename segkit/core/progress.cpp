#include "segkit/core/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace segkit {

std::string format_duration(double seconds) {
  auto total = static_cast<long long>(std::max(0.0, seconds) + 0.5);
  long long hours = total / 3600, minutes = (total / 60) % 60, secs = total % 60;
  char buffer[32];
  if (hours > 0) {
    std::snprintf(buffer, sizeof(buffer), "%lld:%02lld:%02lld", hours, minutes, secs);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%02lld:%02lld", minutes, secs);
  }
  return buffer;
}

Progress::Progress(std::string label, int64_t total, ProgressOptions options)
    : label_(std::move(label)),
      total_(std::max<int64_t>(0, total)),
      options_(options),
      out_(options.out ? options.out : &std::cerr),
      terminal_(options.terminal.value_or(options.out == nullptr && ::isatty(STDERR_FILENO) == 1)),
      start_(Clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::advance(int64_t steps) {
  count_ += steps;
  const double since_draw = std::chrono::duration<double>(Clock::now() - last_draw_).count();
  const double interval = terminal_ ? 0.1 : options_.plain_interval_s;
  if (since_draw >= interval || (terminal_ && count_ == total_)) draw(false);
}

void Progress::set_postfix(std::string postfix) { postfix_ = std::move(postfix); }

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  draw(true);
}

std::string Progress::counters(double elapsed_s) const {
  std::ostringstream text;
  const double rate = elapsed_s > 0 ? static_cast<double>(count_) / elapsed_s : 0.0;
  text << count_;
  if (total_ > 0) text << '/' << total_;
  text << " [" << format_duration(elapsed_s);
  if (total_ > 0 && rate > 0 && count_ < total_) {
    text << '<' << format_duration(static_cast<double>(total_ - count_) / rate);
  }
  char rate_text[32];
  std::snprintf(rate_text, sizeof(rate_text), ", %.2f it/s]", rate);
  text << rate_text;
  if (!postfix_.empty()) text << ' ' << postfix_;
  return text.str();
}

void Progress::draw(bool final_draw) {
  const auto now = Clock::now();
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  std::ostream& out = *out_;
  if (terminal_) {
    out << '\r' << label_ << ' ';
    if (total_ > 0) {
      const double fraction = std::min(1.0, static_cast<double>(count_) / total_);
      const int filled = static_cast<int>(fraction * options_.bar_width);
      char percent[8];
      std::snprintf(percent, sizeof(percent), "%3d%%", static_cast<int>(fraction * 100));
      out << percent << " |" << std::string(filled, '#')
          << std::string(options_.bar_width - filled, ' ') << "| ";
    }
    // Trailing spaces erase what a longer previous draw left on the line.
    out << counters(elapsed) << "    ";
    if (final_draw) out << '\n';
  } else {
    out << label_ << ": ";
    if (total_ > 0) out << (100 * count_ / total_) << "% ";
    out << counters(elapsed) << (final_draw ? " done" : "") << '\n';
  }
  out.flush();
}

}  // namespace segkit
