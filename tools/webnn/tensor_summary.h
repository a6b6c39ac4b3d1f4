// `webnn run`'s default report of an output: its type and shape, min/max/mean and the first
// values.
#pragma once

#include <ostream>
#include <string>

#include "webnn/webnn.h"

namespace webnn::cli {

void PrintTensorSummary(const std::string& name, const HostTensor& t, std::ostream& out,
                        size_t first = 8);

}  // namespace webnn::cli
