#include "util/file_check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace webnn::util {

Status CheckReadableFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorCode::kUnknownError, path.string(),
                     ": cannot open: ", std::strerror(errno));
  }
  struct stat st {};
  const bool is_dir = ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
  ::close(fd);
  if (is_dir) {
    return MakeError(ErrorCode::kUnknownError, path.string(), ": is a directory, not a file");
  }
  return {};
}

}  // namespace webnn::util
