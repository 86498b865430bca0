#include "batch/job.h"

namespace rknnc::batch {

const char* status_name(Status s) {
  switch (s) {
    case Status::Converted: return "converted";
    case Status::Skipped: return "skipped";
    case Status::Failed: return "failed";
    case Status::Cancelled: return "cancelled";
  }
  return "failed";
}

}  // namespace rknnc::batch
