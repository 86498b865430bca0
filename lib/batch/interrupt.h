#pragma once
// Ctrl-C and SIGTERM as a flag: the first signal sets it (running jobs stop at
// their next check, temp files are removed, finished outputs stay); a second
// one ends the process at once.
#include <atomic>

namespace rknnc::batch {

// Installs the SIGINT/SIGTERM handlers (once) and returns the flag they set.
const std::atomic<bool>* install_interrupt_flag();

}  // namespace rknnc::batch
