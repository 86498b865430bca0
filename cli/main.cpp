// rknnc: an open, fast converter for Rockchip NPUs (rknn_convert compatible).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <map>

#include "cli/commands.h"
#include "util/error.h"

namespace {

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n') c = ' ';
  return s;
}

int report_error(const std::string& message, int code) {
  std::fprintf(stderr, "rknnc: error: %s\n", one_line(message).c_str());
  return code;
}

}  // namespace

// Kernel outputs are fresh allocations of up to tens of MB. With glibc's
// defaults they are mmapped or trimmed away and re-faulted (and zeroed by the
// kernel) on every run, which cost more than the convolutions; keep freed
// tensors in the heap for reuse. Peak RSS is unchanged (measured on the
// benchmark graphs): the same tensors are live at the same time.
static void keep_freed_tensors_for_reuse() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's own ceiling for its adaptive threshold
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

int main(int argc, char** argv) {
  keep_freed_tensors_for_reuse();
  CLI::App app{"rknnc " RKNNC_VERSION ": convert ONNX models for Rockchip NPUs (rknn_convert compatible)", "rknnc"};
  app.set_version_flag("--version", "rknnc " RKNNC_VERSION);
  app.require_subcommand(0, 1);
  std::map<CLI::App*, rknnc::cli::Command> commands;
  auto add = [&](rknnc::cli::Command (*make)(CLI::App&)) {
    const size_t before = app.get_subcommands({}).size();
    rknnc::cli::Command cmd = make(app);
    commands[app.get_subcommands({})[before]] = std::move(cmd);
  };
  rknnc::cli::Command convert = rknnc::cli::add_convert(app);
  add(rknnc::cli::add_run);
  add(rknnc::cli::add_passes);
  add(rknnc::cli::add_inspect);
  add(rknnc::cli::add_targets);
  add(rknnc::cli::add_export_qdq);
  add(rknnc::cli::add_encrypt);
  add(rknnc::cli::add_hybrid);
  // After the subcommands: they would inherit it.
  app.footer(
      "Examples:\n"
      "  rknnc -t rk3588 -i configs/digits_cnn.yml -o out        one model: out/digits_cnn.rknn, .build.json\n"
      "  rknnc -t rk3588,rk3566 -i configs/ -o out -j 2          every configs/*.yml for two targets: out/{target}/, out/summary.json\n"
      "  rknnc -t rk3588 -i a.yml b.yml -o out --json -q          results as JSON on stdout, errors on stderr\n"
      "  rknnc -t rk3588 -i configs/x.yml -o out/rk3588 -M        also write out/rk3588/x.d for Make (docs/make.md)\n"
      "  rknnc targets | rknnc passes | rknnc inspect out/x.rknn | rknnc run out/x.rknn --input x.npy -o res\n"
      "  rknnc encrypt out/x.rknn --level 3 --key-file x.key     out/x.crypt.rknn; run/inspect it with --key-file\n"
      "Unchanged models are skipped (--force converts again). Exit codes: 0 ok, 1 conversion error, 2 usage or\n"
      "config error, 3 device error, 130 interrupted. man rknnc has the details.");
  try {
    app.parse(argc, argv);
    for (auto& [sub, cmd] : commands)
      if (sub->parsed()) return cmd();
    if (argc == 1) {
      std::fputs(app.help().c_str(), stdout);
      return 2;
    }
    return convert();
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    return report_error(one_line(e.what()) + " (see rknnc --help)", 2);
  } catch (const rknnc::Error& e) {
    return report_error(e.what(), static_cast<int>(e.code()));
  } catch (const std::bad_alloc&) {
    return report_error("out of memory", 1);
  } catch (const std::exception& e) {
    return report_error(std::string("internal error: ") + e.what(), 1);
  }
}
