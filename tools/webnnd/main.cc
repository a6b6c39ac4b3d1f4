// webnnd: the WebNN service daemon (see `webnnd --help`).
#include "serve_main.h"

int main(int argc, char** argv) { return webnn::service::ServeMain(argc, argv); }
