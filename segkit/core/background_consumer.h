#pragma once
// A second thread that consumes items in the order they were pushed, with at most `capacity` items
// waiting, so a producer (inference) and a consumer (post-processing and writing files) overlap
// while memory stays bounded:
//
//   BackgroundConsumer<Prediction> writer(4, [&](Prediction& p) { write(p); });
//   for (...) writer.push(predict(...));   // blocks while 4 are waiting
//   writer.finish();                       // waits for the last one
//
// An exception thrown by `consume` stops the consumer; the next push() or finish() rethrows it in
// the producer's thread. Destroying an unfinished consumer drops what is still waiting.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace segkit {

template <typename T>
class BackgroundConsumer {
 public:
  BackgroundConsumer(size_t capacity, std::function<void(T&)> consume)
      : capacity_(capacity > 0 ? capacity : 1), consume_(std::move(consume)), thread_([this] { run(); }) {}

  ~BackgroundConsumer() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
      waiting_.clear();
    }
    changed_.notify_all();
    thread_.join();
  }

  BackgroundConsumer(const BackgroundConsumer&) = delete;
  BackgroundConsumer& operator=(const BackgroundConsumer&) = delete;

  void push(T item) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return waiting_.size() < capacity_ || failure_; });
    if (failure_) std::rethrow_exception(failure_);
    waiting_.push_back(std::move(item));
    changed_.notify_all();
  }

  /// Waits until every pushed item is consumed; rethrows the consumer's exception.
  void finish() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return (waiting_.empty() && !busy_) || failure_; });
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      changed_.wait(lock, [this] { return !waiting_.empty() || closed_; });
      if (waiting_.empty()) return;  // closed
      T item = std::move(waiting_.front());
      waiting_.pop_front();
      busy_ = true;
      lock.unlock();
      changed_.notify_all();
      std::exception_ptr failure;
      try {
        consume_(item);
      } catch (...) {
        failure = std::current_exception();
      }
      lock.lock();
      busy_ = false;
      if (failure) {
        failure_ = failure;
        waiting_.clear();
        changed_.notify_all();
        changed_.wait(lock, [this] { return closed_; });
        return;
      }
      changed_.notify_all();
    }
  }

  size_t capacity_;
  std::function<void(T&)> consume_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<T> waiting_;
  bool busy_ = false;
  bool closed_ = false;
  std::exception_ptr failure_;
  std::thread thread_;  // last: started after every other member exists
};

}  // namespace segkit
