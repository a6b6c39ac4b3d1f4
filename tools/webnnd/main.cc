// webnnd: the WebNN service daemon (see `webnnd --help`).
#include "service/server.h"

int main(int argc, char** argv) { return webnn::service::ServeMain(argc, argv); }
