// The executor behind each MLContext, chosen by MLContextOptions::executor.
#include "api/internal.h"
#include "service/client.h"

namespace webnn {

std::shared_ptr<runtime::Executor> MakeExecutor(const MLContextOptions& options) {
  if (options.executor == "worker") {
    return std::make_shared<runtime::WorkerExecutor>(
        std::make_shared<runtime::ThreadPool>(options.workerThreads));
  }
  if (options.executor == "service") {
    auto executor = service::Connect(options);
    if (!executor.ok()) Throw(std::move(executor.error().Prefix("createContext")));
    return std::move(executor).value();
  }
  return std::make_shared<runtime::DirectExecutor>();
}

}  // namespace webnn
