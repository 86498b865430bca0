#include "util/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace rknnc {

Progress::Progress(std::string label, size_t total) : label_(std::move(label)), total_(total) {}

Progress::~Progress() {
  if (drawn_) std::fputc('\n', stderr);
}

bool Progress::enabled() { return isatty(STDERR_FILENO) != 0; }

void Progress::update(size_t done) {
  if (!enabled()) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total_ && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
  std::fputs(fmt::format("\r{} {:>5}/{}  {:.1f}/s  ETA {:.0f}s   ", label_, done, total_, rate, eta).c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace rknnc
