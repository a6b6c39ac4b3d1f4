#include "webnn/version.h"

namespace webnn {

const char* RuntimeVersion() { return WEBNN_VERSION_STRING; }

}  // namespace webnn
