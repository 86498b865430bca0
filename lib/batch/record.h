#pragma once
// Incremental builds: the content hash of a job's inputs is recorded next to
// its outputs ({name}.inputs.sha256). A job whose hash equals the recorded one
// and whose outputs all exist is skipped.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "target/target.h"

namespace rknnc::batch {

// One input of a job: its path relative to the YAML's folder (so the working
// folder does not matter) and the SHA-256 of its content.
struct HashedInput {
  std::string path;
  std::string sha256;
};
std::vector<HashedInput> hash_inputs(const std::vector<std::filesystem::path>& inputs,
                                     const std::filesystem::path& yaml);

// SHA-256 over the rknnc version, the target's name and file, and every input.
std::string inputs_digest(const std::vector<HashedInput>& inputs, const target::Target& target);

struct Record {
  std::string digest;
  std::vector<std::string> outputs;  // file names in the record's folder
};

std::filesystem::path record_path(const std::filesystem::path& out_dir, const std::string& name);
std::optional<Record> read_record(const std::filesystem::path& path);  // nullopt: absent or unreadable
void write_record(const std::filesystem::path& path, const Record& record);  // atomic

// The record, when it matches `digest` and every output it lists exists.
std::optional<Record> up_to_date(const std::filesystem::path& path, const std::string& digest);

// Sets the modification time of the record and its outputs to now, so Make
// sees a skipped job's outputs as newer than the inputs it was asked about.
void refresh_times(const std::filesystem::path& path, const Record& record);

}  // namespace rknnc::batch
