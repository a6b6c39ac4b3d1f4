// webnn ping: checks that webnnd answers; its version, round trip, what it holds and whether
// it runs sandboxed.
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "common.h"
#include "service/client.h"

namespace webnn::cli {

int CmdPing(const std::vector<std::string>& args) {
  std::string endpoint, token_file;
  uint32_t count = 10;
  double timeout = 10;
  Flags flags("ping", "[--endpoint EP] [--token-file F] [--count N] [--timeout S]",
              "Connects to webnnd (default unix:$XDG_RUNTIME_DIR/webnn/webnnd.sock), sends N "
              "pings and prints\nthe service's version, how it identifies this client, the "
              "median round trip and what the\nservice holds. Exit 1 if it does not answer.");
  flags.String("--endpoint", &endpoint, "EP", "unix:PATH or tcp:HOST:PORT")
      .String("--token-file", &token_file, "F", "the access token file for a tcp: endpoint")
      .UInt("--count", &count, "pings to send", 1, 1000000)
      .Double("--timeout", &timeout,
              "seconds the connect, the handshake and each ping may take (0: no bound)", 0, 1e6);
  if (int rc = HandleParse(flags, flags.Parse(args)); rc >= 0) return rc;
  auto r = service::Ping(endpoint, token_file, static_cast<int>(count), timeout);
  if (!r.ok()) return Fail(r.error().ToString());
  std::cout << std::fixed << std::setprecision(1) << r->server_version
            << "; this client: " << r->client_id << "\nconnect " << r->connect_ms
            << " ms, round trip (median of " << count << ") " << r->round_trip_us
            << " us\nservice holds: " << r->clients << " clients, " << r->contexts << " contexts, "
            << r->graphs << " graphs, " << r->tensors << " tensors (" << r->tensor_bytes
            << " bytes), " << r->constant_bytes << " constant bytes, " << r->graph_memory_bytes
            << " graph memory bytes, " << r->inflight_dispatches
            << " dispatches in flight\nsandbox: "
            << (r->sandboxed ? "active (seccomp)"
                             : "OFF (the service runs without its seccomp sandbox)")
            << (r->isolation.empty() ? "" : ", ") << r->isolation << "\n";
  return 0;
}

}  // namespace webnn::cli
