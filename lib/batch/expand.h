#pragma once
// From the command line to a job list: -i files and folders, -t names
// (comma lists or repeated), -o folder.
#include <filesystem>
#include <string>
#include <vector>

#include "batch/job.h"

namespace rknnc::batch {

// Files as given (in order), folders as their *.yml / *.yaml files sorted by
// name; duplicates dropped. A missing path or an empty folder is a usage error.
std::vector<std::filesystem::path> expand_configs(const std::vector<std::string>& inputs);

// "rk3588,rk3566" and repeated -t; names or aliases, each target once.
// An unknown name is a usage error listing the valid ones.
std::vector<target::Target> resolve_targets(const std::vector<std::string>& specs);

// Every config for every target (config-major). One config and one target
// write into out_dir itself; otherwise into out_dir/{target}.
std::vector<Job> make_jobs(const std::vector<std::filesystem::path>& configs,
                           const std::vector<target::Target>& targets, const std::filesystem::path& out_dir);

}  // namespace rknnc::batch
