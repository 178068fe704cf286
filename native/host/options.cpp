#include "options.hpp"

#include <stdexcept>

namespace truce::host {
namespace {

int parse_port(const std::string& text) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument("--listen: port must be a number from 0 to 65535, got '" + text + "'");
  const int port = std::stoi(text);
  if (port > 65535) throw std::invalid_argument("--listen: port must be at most 65535");
  return port;
}

std::size_t parse_count(const std::string& flag, const std::string& text, std::size_t min) {
  if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoull(text) < min)
    throw std::invalid_argument(flag + " takes a whole number >= " + std::to_string(min) + ", got '" + text + "'");
  return static_cast<std::size_t>(std::stoull(text));
}

}  // namespace

std::string usage() {
  return "usage: truce-host [--listen HOST:PORT] [--static DIR] [--mount /PREFIX=DIR]...\n"
         "  --listen HOST:PORT   address to serve on (default 127.0.0.1:8080; port 0 picks a free one)\n"
         "  --static DIR         serve the files of DIR (the web demo) at /\n"
         "  --mount /PREFIX=DIR  serve the files of DIR under /PREFIX (e.g. the JS package's dist)\n"
         "  --store sqlite:PATH | postgres:CONNINFO   where documents live (default sqlite:truce.db)\n"
         "  --history N          versions kept per document for server-side merges (default 50)\n"
         "  --threads N          request threads (default 8)\n"
         "  --allow-unconditional      a write without If-Match overwrites instead of 428\n"
         "  --require-idempotency-key  a write without Idempotency-Key is 400\n"
         "  --max-body-bytes N   request body limit (default 1048576)\n"
         "  --max-depth N        JSON nesting limit (default 1000)\n"
         "  --max-documents N    documents per tenant (default 100000; 0: no limit)\n";
}

Options parse_options(const std::vector<std::string>& args) {
  Options options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    const auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw std::invalid_argument(flag + " needs a value");
      return args[++i];
    };
    if (flag == "--listen") {
      const std::string& address = value();
      const auto colon = address.rfind(':');
      if (colon == std::string::npos || colon == 0)
        throw std::invalid_argument("--listen takes HOST:PORT, got '" + address + "'");
      options.host = address.substr(0, colon);
      options.port = parse_port(address.substr(colon + 1));
    } else if (flag == "--static") {
      options.mounts.emplace_back("/", value());
    } else if (flag == "--mount") {
      const std::string& mount = value();
      const auto equals = mount.find('=');
      if (mount.empty() || mount[0] != '/' || equals == std::string::npos || equals + 1 == mount.size())
        throw std::invalid_argument("--mount takes /PREFIX=DIR, got '" + mount + "'");
      options.mounts.emplace_back(mount.substr(0, equals), mount.substr(equals + 1));
    } else if (flag == "--store") {
      options.store = value();
      if (options.store.rfind("sqlite:", 0) != 0 && options.store.rfind("postgres:", 0) != 0)
        throw std::invalid_argument("--store takes sqlite:PATH or postgres:CONNINFO, got '" + options.store + "'");
    } else if (flag == "--history") {
      options.documents.history = parse_count(flag, value(), 1);
    } else if (flag == "--threads") {
      options.threads = static_cast<int>(parse_count(flag, value(), 1));
    } else if (flag == "--allow-unconditional") {
      options.api.allow_unconditional = true;
    } else if (flag == "--require-idempotency-key") {
      options.api.require_idempotency_key = true;
    } else if (flag == "--max-body-bytes") {
      options.api.max_body_bytes = parse_count(flag, value(), 1);
    } else if (flag == "--max-depth") {
      options.api.max_depth = parse_count(flag, value(), 1);
    } else if (flag == "--max-documents") {
      options.documents.max_documents_per_tenant = parse_count(flag, value(), 0);
    } else {
      throw std::invalid_argument("unknown flag '" + flag + "'");
    }
  }
  return options;
}

}  // namespace truce::host
