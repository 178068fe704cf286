// truce-host: the HTTP face of the native library. For now it serves the web
// demo and a health check; the versioned document API grows here.
#include <httplib.h>

#include <csignal>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "options.hpp"
#include "truce/json.hpp"

namespace {

// SIGTERM/SIGINT stop the server from a thread that waits for them, so no
// work happens inside a signal handler.
std::thread stop_on_signal(httplib::Server& server) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return std::thread([&server, signals] {
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
  });
}

void log_line(const truce::Document& fields) { std::cerr << truce::to_json_text(fields) << std::endl; }

}  // namespace

int main(int argc, char** argv) {
  truce::host::Options options;
  try {
    options = truce::host::parse_options(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::invalid_argument& error) {
    std::cerr << "truce-host: " << error.what() << "\n" << truce::host::usage();
    return 2;
  }

  httplib::Server server;
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(R"({"status":"ok"})", "application/json");
  });
  for (const auto& [prefix, folder] : options.mounts) {
    if (!server.set_mount_point(prefix, folder)) {
      std::cerr << "truce-host: cannot serve '" << folder << "' at " << prefix << ": not a folder\n";
      return 2;
    }
  }
  server.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
  server.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
  server.set_logger([](const httplib::Request& request, const httplib::Response& response) {
    log_line({{"method", request.method}, {"path", request.path}, {"status", response.status}});
  });

  const int port = options.port == 0 ? server.bind_to_any_port(options.host)
                                     : (server.bind_to_port(options.host, options.port) ? options.port : -1);
  if (port < 0) {
    std::cerr << "truce-host: cannot listen on " << options.host << ":" << options.port << "\n";
    return 1;
  }
  std::thread signal_thread = stop_on_signal(server);
  log_line({{"event", "listening"}, {"url", "http://" + options.host + ":" + std::to_string(port)}});
  const bool served = server.listen_after_bind();
  // A stop() from anywhere but the signal thread would leave it waiting: wake it.
  if (signal_thread.joinable()) {
    pthread_kill(signal_thread.native_handle(), SIGTERM);
    signal_thread.join();
  }
  log_line({{"event", "stopped"}});
  return served ? 0 : 1;
}
