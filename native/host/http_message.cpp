#include "http_message.hpp"

#include <algorithm>
#include <cctype>

#include "truce/json.hpp"

namespace truce::host {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const std::string* HttpRequest::header(std::string_view name) const {
  const auto it = headers.find(std::string(name));
  return it == headers.end() ? nullptr : &it->second;
}

std::string_view HttpRequest::path() const {
  const std::string_view all = target;
  return all.substr(0, all.find('?'));
}

const std::string* HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (same_name(key, name)) return &value;
  return nullptr;
}

void HttpResponse::set_header(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (same_name(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

HttpResponse HttpResponse::json(int status, const Document& body, std::string_view content_type) {
  HttpResponse response;
  response.status = status;
  response.body = to_json_text(body);
  response.set_header("Content-Type", std::string(content_type));
  return response;
}

HttpResponse HttpResponse::problem(const Error& error, std::string_view instance) {
  return json(error.status(), error.to_problem_json(instance), "application/problem+json");
}

StoredResponse HttpResponse::to_stored() const {
  StoredResponse stored;
  stored.status = status;
  for (const auto& [name, value] : headers) stored.headers[name] = value;
  stored.body = body;
  return stored;
}

HttpResponse HttpResponse::from_stored(const StoredResponse& stored) {
  HttpResponse response;
  response.status = stored.status;
  for (const auto& [name, value] : stored.headers.items())
    response.headers.emplace_back(name, value.is_string() ? value.get<std::string>() : to_json_text(value));
  response.body = stored.body;
  return response;
}

}  // namespace truce::host
