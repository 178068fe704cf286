#include "metrics.hpp"

#include <cstdio>

namespace truce::host {
namespace {

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

void counter(std::string& out, const char* name, const char* help, std::uint64_t value) {
  header(out, name, "counter", help);
  out += std::string(name) + ' ' + std::to_string(value) + '\n';
}

void histogram(std::string& out, const char* name, const char* help, const LatencySnapshot& snapshot) {
  header(out, name, "histogram", help);
  for (std::size_t i = 0; i < LatencySnapshot::kBuckets; ++i) {
    const std::string le = i < LatencySnapshot::kFiniteBuckets ? number(LatencySnapshot::upper_bound(i)) : "+Inf";
    out += std::string(name) + "_bucket{le=\"" + le + "\"} " + std::to_string(snapshot.cumulative[i]) + '\n';
  }
  out += std::string(name) + "_sum " + number(snapshot.sum) + '\n';
  out += std::string(name) + "_count " + std::to_string(snapshot.count) + '\n';
}

}  // namespace

void Metrics::count_request(std::string_view route, std::string_view method, int status) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{std::string(route), std::string(method), status}];
}

std::string Metrics::prometheus(const LockMetrics& locks) const {
  std::string out;
  header(out, "truce_http_requests_total", "counter", "Requests answered, by route, method and status.");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [labels, count] : requests_) {
      const auto& [route, method, status] = labels;
      out.append("truce_http_requests_total{route=\"").append(route).append("\",method=\"").append(method);
      out.append("\",status=\"").append(std::to_string(status)).append("\"} ").append(std::to_string(count)) += '\n';
    }
  }
  counter(out, "truce_version_conflicts_total", "Writes refused because the document had moved on (412, 409).",
          conflicts_.load());
  header(out, "truce_merges_total", "counter", "Server-side three-way merges of stale patches, by result.");
  out += "truce_merges_total{result=\"clean\"} " + std::to_string(clean_merges_.load()) + '\n';
  out += "truce_merges_total{result=\"conflicted\"} " + std::to_string(conflicted_merges_.load()) + '\n';
  counter(out, "truce_idempotent_replays_total", "Retries answered with the stored first answer.", replays_.load());
  histogram(out, "truce_lock_wait_seconds", "Waits for a document's write lock.", locks.wait);
  histogram(out, "truce_store_seconds", "Document store calls.", store_.snapshot());
  return out;
}

}  // namespace truce::host
