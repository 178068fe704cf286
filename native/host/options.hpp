#pragma once
// Command-line flags of truce-host.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "api.hpp"

namespace truce::host {

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;
  // URL prefix -> folder served under it; --static DIR is --mount /=DIR.
  std::vector<std::pair<std::string, std::string>> mounts;
  // "sqlite:PATH" or "postgres:CONNINFO".
  std::string store = "sqlite:truce.db";
  DocumentStoreOptions documents{50, 100000};  // history, documents per tenant
  int threads = 8;
  ApiOptions api;
};

// Throws std::invalid_argument with a message naming the bad flag.
Options parse_options(const std::vector<std::string>& args);
std::string usage();

}  // namespace truce::host
