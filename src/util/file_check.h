// One place that says why a file cannot be read: errno's text, or that the path is a folder.
#pragma once

#include <filesystem>

#include "webnn/error.h"

namespace webnn::util {

// OK when `path` opens for reading and is not a directory; otherwise an UnknownError
// "PATH: cannot open: No such file or directory" or "PATH: is a directory, not a file".
Status CheckReadableFile(const std::filesystem::path& path);

}  // namespace webnn::util
