#include "batch/depfile.h"

#include <set>

namespace rknnc::batch {
namespace {

// Make's escaping: '$' doubles, spaces, '#' and ':' take a backslash.
std::string escape(const std::filesystem::path& p) {
  std::string out;
  for (char c : p.string()) {
    if (c == '$') out += '$';
    else if (c == ' ' || c == '#' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string rule(const JobResult& r) {
  std::string text;
  for (const auto& o : r.outputs) text += (text.empty() ? "" : " ") + escape(o.path);
  text += ":";
  for (const auto& in : r.inputs) text += " \\\n  " + escape(in);
  return text + "\n";
}

}  // namespace

std::string depfile_text(const std::vector<JobResult>& results) {
  std::string rules, phony;
  std::set<std::filesystem::path> seen;
  for (const auto& r : results) {
    if (r.status != Status::Converted && r.status != Status::Skipped) continue;
    rules += rule(r);
    for (const auto& in : r.inputs)
      if (seen.insert(in).second) phony += "\n" + escape(in) + ":\n";
  }
  return rules + phony;
}

std::filesystem::path depfile_path(const std::filesystem::path& out_dir, const std::string& name) {
  return out_dir / (name + ".d");
}

}  // namespace rknnc::batch
