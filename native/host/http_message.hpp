#pragma once
// A request and a response as the API sees them, apart from any HTTP
// library: the host's adapter fills one and sends the other, and tests (and
// the fuzz harness) call the API without sockets.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "truce/document.hpp"
#include "truce/error.hpp"
#include "truce/idempotency_store.hpp"

namespace truce::host {

struct HttpRequest {
  std::string method;
  std::string target;                          // as sent: path, percent-encoded, and query
  std::map<std::string, std::string> headers;  // names in lowercase; repeated fields joined with ", "
  std::string body;

  // The field's value, or nullptr when absent. `name` in lowercase.
  const std::string* header(std::string_view name) const;
  // The target without its query string.
  std::string_view path() const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // content-type included when there is a body
  std::string body;

  const std::string* header(std::string_view name) const;  // case-insensitive
  void set_header(std::string name, std::string value);

  // A JSON body (application/json, or a problem's application/problem+json).
  static HttpResponse json(int status, const Document& body, std::string_view content_type = "application/json");
  // RFC 9457 problem+json for `error`, with `instance` = the request's path.
  static HttpResponse problem(const Error& error, std::string_view instance);

  // The form an idempotency record keeps, and back.
  StoredResponse to_stored() const;
  static HttpResponse from_stored(const StoredResponse& stored);
};

}  // namespace truce::host
