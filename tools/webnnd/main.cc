// webnnd: the WebNN service daemon (see `webnnd --help`).
#include <iostream>
#include <string_view>

#include "serve_main.h"
#include "webnn/version.h"

int main(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    std::cout << "webnnd " << WEBNN_VERSION_STRING << "\n";
    return 0;
  }
  return webnn::service::ServeMain(argc, argv);
}
