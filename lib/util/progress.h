#pragma once
// A one-line progress display on stderr ("calibrating  37/100  12.3/s  ETA 5s")
// redrawn in place, only when stderr is a terminal: logs and pipes stay clean.
#include <chrono>
#include <string>

namespace rknnc {

class Progress {
 public:
  Progress(std::string label, size_t total);
  ~Progress();  // ends the line if anything was drawn
  void update(size_t done);
  static bool enabled();  // stderr is a TTY

 private:
  std::string label_;
  size_t total_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_draw_{};
};

}  // namespace rknnc
