#include "cli/convert_output.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace rknnc::cli {
namespace {

const char* status_colour(batch::Status s) {
  switch (s) {
    case batch::Status::Converted: return "\033[32m";
    case batch::Status::Skipped: return "\033[36m";
    case batch::Status::Failed: return "\033[31m";
    case batch::Status::Cancelled: return "\033[33m";
  }
  return "";
}

// The status word padded to `width`, coloured when asked.
std::string status_text(batch::Status s, bool colour, int width = 0) {
  const std::string word = fmt::format("{:<{}}", batch::status_name(s), width);
  return colour ? status_colour(s) + word + "\033[0m" : word;
}

std::string human_bytes(std::uintmax_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024 * 1024));
}

std::uintmax_t total_bytes(const batch::JobResult& r) {
  std::uintmax_t n = 0;
  for (const auto& o : r.outputs) n += o.bytes;
  return n;
}

}  // namespace

bool colour_enabled(std::FILE* stream) {
  const char* no_colour = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  if ((no_colour && *no_colour) || (term && std::strcmp(term, "dumb") == 0)) return false;
  return ::isatty(::fileno(stream)) == 1;
}

std::string progress_line(size_t index, size_t total, const batch::Job& job, const batch::JobResult& r, bool colour) {
  const std::string id = fmt::format("{}/{}", job.target.name, r.name);
  if (r.status == batch::Status::Failed)
    return fmt::format("rknnc: {}: [{}] {}", colour ? "\033[31merror\033[0m" : "error", id, r.error);
  return fmt::format("rknnc: [{}/{}] {} {} {:.2f} s", index + 1, total, id, status_text(r.status, colour), r.seconds);
}

std::string summary_table(const std::vector<batch::Job>& jobs, const batch::BatchResult& result, bool colour) {
  std::string text = fmt::format("{:<10} {:<24} {:<10} {:>8} {:>10}\n", "TARGET", "MODEL", "STATUS", "TIME", "SIZE");
  int counts[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < jobs.size(); ++i) {
    const batch::JobResult& r = result.results[i];
    ++counts[static_cast<int>(r.status)];
    text += fmt::format("{:<10} {:<24} {} {:>7.2f}s {:>10}\n", jobs[i].target.name, r.name, status_text(r.status, colour, 10),
                        r.seconds, r.outputs.empty() ? "-" : human_bytes(total_bytes(r)));
  }
  return text + fmt::format("{} job(s): {} converted, {} skipped, {} failed, {} cancelled in {:.2f} s\n", jobs.size(),
                            counts[0], counts[1], counts[2], counts[3], result.seconds);
}

}  // namespace rknnc::cli
