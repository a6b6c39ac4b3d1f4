// The executor behind each MLContext, chosen by MLContextOptions::executor.
#include "api/internal.h"
#include "service/client.h"

namespace webnn {

std::shared_ptr<runtime::Executor> MakeExecutor(const MLContextOptions& options) {
  auto make_backend = [&] {
    return Unwrap(
        backend::MakeBackend(options.backend.empty() ? backend::kDefaultBackend : options.backend));
  };
  backend::CompileOptions compile;
  compile.threads = options.threads;
  compile.profile = options.profile;
  if (options.executor == "worker") {
    return std::make_shared<runtime::WorkerExecutor>(
        std::make_shared<runtime::ThreadPool>(options.workerThreads), make_backend(), compile,
        std::make_shared<runtime::ComputeBudget>(/*cores=*/0));
  }
  if (options.executor == "service") {
    auto executor = service::Connect(options);
    if (!executor.ok()) Throw(std::move(executor.error().Prefix("createContext")));
    return std::move(executor).value();
  }
  return std::make_shared<runtime::DirectExecutor>(make_backend(), compile);
}

}  // namespace webnn
