// What `webnn run --profile` prints and writes: the per-step table sorted by cost, and the
// step runs as a Chrome trace (chrome://tracing, https://ui.perfetto.dev).
#pragma once

#include <ostream>
#include <string>

#include "webnn/webnn.h"

namespace webnn::cli {

// One row per step, the most expensive first: total and mean time, share, calls.
void PrintProfileTable(const MLGraphProfile& profile, std::ostream& out);
// The Trace Event Format's JSON object: one complete ("X") event per step run.
Status WriteChromeTrace(const MLGraphProfile& profile, const std::string& path);

}  // namespace webnn::cli
