#include "api.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <utility>

#include "truce/etag.hpp"
#include "truce/fingerprint.hpp"
#include "truce/json.hpp"
#include "truce/merge.hpp"
#include "truce/patch.hpp"
#include "truce/utf8.hpp"

namespace truce::host {
namespace {

constexpr std::string_view kDocs = "/api/docs/";
constexpr std::size_t kMaxIdBytes = 256;
constexpr std::size_t kMaxTenantBytes = 64;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The document id: one percent-decoded path segment (so "%2F" is part of an
// id, never a separator), 1..256 bytes of UTF-8 without control characters.
std::string decode_id(std::string_view segment) {
  const auto invalid = [&](const std::string& why) {
    return Error(Code::InvalidArgument, "Invalid document id: " + why, {{"id", std::string(segment)}});
  };
  std::string id;
  for (std::size_t i = 0; i < segment.size(); ++i) {
    char c = segment[i];
    if (c == '%') {
      const int high = i + 2 < segment.size() ? hex_digit(segment[i + 1]) : -1;
      const int low = high >= 0 ? hex_digit(segment[i + 2]) : -1;
      if (low < 0) throw invalid("bad percent-encoding");
      c = static_cast<char>(high * 16 + low);
      i += 2;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) throw invalid("control character");
    id += c;
  }
  if (id.empty() || id.size() > kMaxIdBytes) throw invalid("1 to 256 bytes");
  if (!is_valid_utf8(id)) throw invalid("not UTF-8");
  return id;
}

std::string tenant_of(const HttpRequest& request) {
  const std::string* header = request.header("x-tenant");
  if (!header) return "public";
  const bool ok = !header->empty() && header->size() <= kMaxTenantBytes &&
                  header->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
                      std::string::npos;
  if (!ok) {
    throw Error(Code::InvalidArgument, "X-Tenant takes 1 to 64 letters, digits, '.', '_' or '-'",
                {{"header", "X-Tenant"}});
  }
  return *header;
}

void set_version_headers(HttpResponse& response, Version version) {
  response.set_header("ETag", make_etag(version).to_string());
  response.set_header("X-Version", std::to_string(version));
}

HttpResponse document_response(int status, const StoredDocument& stored) {
  HttpResponse response = HttpResponse::json(status, stored.doc);
  set_version_headers(response, stored.version);
  return response;
}

// The media type without parameters (charset=utf-8), in lowercase.
std::string media_type_of(const std::string* content_type) {
  if (!content_type) return "";
  std::string type = content_type->substr(0, content_type->find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

// Containers nested in one another, as parse_json's depth limit counts them.
std::size_t depth_of(const Document& value) {
  if (!value.is_object() && !value.is_array()) return 0;
  std::size_t deepest = 0;
  for (const auto& item : value) deepest = std::max(deepest, depth_of(item));
  return deepest + 1;
}

// Runs one store call, timing it into `histogram` (exceptions included).
template <class F>
auto timed(LatencyHistogram& histogram, F&& call) {
  struct Done {
    LatencyHistogram& histogram;
    std::chrono::steady_clock::time_point start;
    ~Done() { histogram.record(std::chrono::steady_clock::now() - start); }
  } done{histogram, std::chrono::steady_clock::now()};
  return call();
}

}  // namespace

Error body_too_large(std::size_t max) {
  return Error(Code::LimitExceeded, "The request body is larger than " + std::to_string(max) + " bytes",
               {{"limit", "body_bytes"}, {"max", max}});
}

struct Api::Call {
  const HttpRequest& request;
  std::string path;
  std::string tenant;
  std::string id;
  UnixMs now = 0;  // read by at_now(), once the document's write lock is held
};

Api::Api(DocumentStore& documents, IdempotencyStore& records, ApiOptions options, Clock clock)
    : documents_(documents), ledger_(records, options.ledger), options_(std::move(options)), clock_(std::move(clock)) {}

HttpResponse Api::handle(const HttpRequest& request) {
  const std::string path(request.path());
  try {
    Call call{request, path, tenant_of(request), "", 0};
    return route(call);
  } catch (const Error& error) {
    return HttpResponse::problem(error, path);
  } catch (const std::bad_alloc&) {
    return HttpResponse::problem(Error(Code::OutOfMemory, "The server ran out of memory for this request"), path);
  } catch (const std::exception& error) {
    return HttpResponse::problem(Error(Code::Internal, error.what()), path);
  }
}

HttpResponse Api::route(const Call& call) {
  const std::string_view path = call.path;
  if (path.substr(0, kDocs.size()) != kDocs || path.find('/', kDocs.size()) != std::string_view::npos)
    throw Error(Code::NotFound, "No such resource", {{"path", call.path}});
  Call with_id = call;
  with_id.id = decode_id(path.substr(kDocs.size()));
  const std::string& method = call.request.method;
  if (method == "GET" || method == "HEAD") return get(with_id);
  if (method == "PUT") return put(with_id);
  if (method == "PATCH") return patch(with_id);
  HttpResponse refused = HttpResponse::problem(
      Error(Code::MethodNotAllowed, "Method " + method + " is not allowed here", {{"allow", "GET, HEAD, PUT, PATCH"}}),
      call.path);
  refused.set_header("Allow", "GET, HEAD, PUT, PATCH");
  return refused;
}

HttpResponse Api::get(const Call& call) {
  const std::optional<StoredDocument> stored =
      timed(metrics_.store_latency(), [&] { return documents_.get(call.tenant, call.id); });
  if (!stored) throw Error(Code::NotFound, "No document '" + call.id + "'", {{"id", call.id}});
  if (const std::string* condition = call.request.header("if-none-match")) {
    if (!if_none_match(*condition, make_etag(stored->version))) {
      HttpResponse not_modified;
      not_modified.status = 304;
      set_version_headers(not_modified, stored->version);
      return not_modified;
    }
  }
  return document_response(200, *stored);
}

Document Api::read_body(const Call& call, std::initializer_list<std::string_view> media_types,
                        std::string* media_type) const {
  const HttpRequest& request = call.request;
  if (request.body.size() > options_.max_body_bytes) throw body_too_large(options_.max_body_bytes);
  const std::string type = media_type_of(request.header("content-type"));
  bool accepted = false;
  for (const std::string_view candidate : media_types) accepted |= type == candidate;
  if (!accepted) {
    std::string names;
    for (const std::string_view candidate : media_types)
      names += (names.empty() ? "" : " or ") + std::string(candidate);
    throw Error(Code::UnsupportedMediaType, request.method + " takes " + names, {{"contentType", type}});
  }
  if (media_type) *media_type = type;
  ParseLimits limits;
  limits.max_depth = options_.max_depth;
  return parse_json(request.body, limits);
}

std::optional<Expected> Api::precondition(const Call& call) const {
  const HttpRequest& request = call.request;
  const std::string* if_match_header = request.header("if-match");
  const std::string* if_none_match_header = request.header("if-none-match");
  if (if_match_header || if_none_match_header) {
    return expected_from_headers(
        if_match_header ? std::optional<std::string_view>(*if_match_header) : std::nullopt,
        if_none_match_header ? std::optional<std::string_view>(*if_none_match_header) : std::nullopt);
  }
  if (const std::string* header = request.header("x-expected-version")) return Expected::parse(*header);
  if (options_.allow_unconditional) return std::nullopt;
  throw Error(Code::PreconditionRequired,
              "A write needs If-Match (or If-None-Match: * to create, or X-Expected-Version)");
}

HttpResponse Api::commit(const Call& call, const Document& doc, const Expected& expected, IdempotentWrite* claim,
                         bool merged) {
  const auto respond = [&](const StoredDocument& written) {
    HttpResponse answer = document_response(written.version == 1 ? 201 : 200, written);
    if (merged) answer.set_header("X-Merged", "true");
    return answer;
  };
  HttpResponse answer;
  if (claim) {
    claim->response = [&](const StoredDocument& written) {
      answer = respond(written);
      return answer.to_stored();
    };
  }
  const PutResult result = timed(metrics_.store_latency(),
                                 [&] { return documents_.put(call.tenant, call.id, doc, expected, call.now, claim); });
  if (result.written) return claim ? answer : respond({doc, result.version, result.updated_at});
  const Error conflict = result.conflict_error(expected);
  return refusal(call, Code::PreconditionFailed, conflict.message(), conflict.details(), result.current);
}

HttpResponse Api::refusal(const Call& call, Code code, const std::string& message, Document details,
                          const std::optional<StoredDocument>& current) {
  // The current state rides along, so the client recovers in one round trip.
  metrics_.count_conflict();
  details["actual"] = current ? Document(current->version) : Document(nullptr);
  details["current"] = current ? current->doc : Document(nullptr);
  HttpResponse refused = HttpResponse::problem(Error(code, message, std::move(details)), call.path);
  if (current) set_version_headers(refused, current->version);
  return refused;
}

HttpResponse Api::put(const Call& call) {
  const Document body = read_body(call, {"application/json"});
  const Expected expected = precondition(call).value_or(Expected::any());
  // Held across the idempotency check too: a duplicate that arrives while
  // the first request runs waits for it here and gets its replay, not a 409
  // (409 stays for duplicates in flight in another process).
  const KeyedMutex::Guard guard = writes_.lock(call.tenant + '\n' + call.id);
  const Call locked = at_now(call);  // leases and updated_at count from here, not from before the wait
  return idempotent(locked, {{"body", body}, {"precondition", expected.to_json()}},
                    [&](IdempotentWrite* claim) { return commit(locked, body, expected, claim, false); });
}

// The client edited version v and sends its change as a patch. When v is
// current the patch applies; when v is older but kept, the change is merged
// three ways onto the latest (base = v); when v is gone, 409 with the latest.
HttpResponse Api::patch(const Call& call) {
  std::string media_type;
  const Document patch = read_body(call, {"application/json-patch+json", "application/merge-patch+json"}, &media_type);
  const bool json_patch = media_type == "application/json-patch+json";
  const std::optional<Expected> expected = precondition(call);
  if (expected && expected->kind() == Expected::Kind::NoStream)
    throw Error(Code::InvalidPrecondition, "PATCH edits an existing document: use PUT with If-None-Match: * to create");
  MergeOptions merge_options;
  const std::string* merge_options_text = call.request.header("x-merge-options");
  if (merge_options_text) merge_options = MergeOptions::from_json(parse_json(*merge_options_text));
  const auto apply = [&](const Document& doc) {
    Document result = json_patch ? apply_patch(doc, patch) : apply_merge_patch(doc, patch);
    // The patch may nest values deeper than any body could: keep every
    // stored document within the limit a PUT enforces.
    if (depth_of(result) > options_.max_depth) {
      throw Error(Code::LimitExceeded,
                  "The patched document is nested deeper than the limit of " + std::to_string(options_.max_depth),
                  {{"limit", "depth"}, {"max", options_.max_depth}});
    }
    return result;
  };

  const KeyedMutex::Guard guard = writes_.lock(call.tenant + '\n' + call.id);
  const Call locked = at_now(call);  // leases and updated_at count from here, not from before the wait
  const Document identity = {{"body", patch},
                             {"contentType", media_type},
                             {"precondition", expected ? expected->to_json() : Document(nullptr)},
                             {"mergeOptions", merge_options_text ? Document(*merge_options_text) : Document(nullptr)}};
  return idempotent(locked, identity, [&](IdempotentWrite* claim) {
    const std::optional<StoredDocument> latest =
        timed(metrics_.store_latency(), [&] { return documents_.get(locked.tenant, locked.id); });
    if (!latest) throw Error(Code::NotFound, "No document '" + locked.id + "'", {{"id", locked.id}});
    const bool exact = expected && expected->kind() == Expected::Kind::Exact;
    const Version edited = exact ? expected->revision() : latest->version;
    if (edited >= latest->version) {
      // On the latest (or on a version not made yet: the store says 412).
      return commit(locked, apply(latest->doc), exact ? *expected : Expected::exact(latest->version), claim, false);
    }
    const auto problem_with_latest = [&](const std::string& message, Document details) {
      return refusal(locked, Code::VersionConflict, message, std::move(details), latest);
    };
    const std::optional<StoredDocument> base =
        timed(metrics_.store_latency(), [&] { return documents_.get_version(locked.tenant, locked.id, edited); });
    if (!base) {
      return problem_with_latest(
          "Version " + std::to_string(edited) + " is no longer kept, so the change cannot be merged",
          {{"expected", edited}, {"reason", "pruned"}});
    }
    MergeResult merged = merge(base->doc, apply(base->doc), latest->doc, merge_options);
    metrics_.count_merge(merged.clean());
    if (!merged.clean()) {
      Document conflicts = Document::array();
      for (const Conflict& conflict : merged.conflicts) conflicts.push_back(conflict.to_json());
      return problem_with_latest(std::to_string(merged.conflicts.size()) +
                                     " conflict(s) merging the change made on version " + std::to_string(edited) +
                                     " onto version " + std::to_string(latest->version),
                                 {{"expected", edited}, {"reason", "conflicts"}, {"conflicts", std::move(conflicts)}});
    }
    return commit(locked, merged.merged, Expected::exact(latest->version), claim, true);
  });
}

Api::Call Api::at_now(const Call& call) const {
  Call now = call;
  now.now = clock_();
  return now;
}

HttpResponse Api::idempotent(const Call& call, const Document& identity,
                             const std::function<HttpResponse(IdempotentWrite*)>& write) {
  const std::string* key = call.request.header("idempotency-key");
  if (!key) {
    if (options_.require_idempotency_key)
      throw Error(Code::IdempotencyKeyMissing, "This server needs an Idempotency-Key on every write");
    return write(nullptr);
  }
  const BeginResult begun = ledger_.begin(
      call.tenant, *key, fingerprint(call.request.method, std::string(kDocs) + call.id, identity), call.now);
  switch (begun.kind) {
    case BeginResult::Kind::Replay: {
      HttpResponse replay = HttpResponse::from_stored(*begun.response);
      replay.set_header("Idempotent-Replayed", "true");
      metrics_.count_replay();
      return replay;
    }
    case BeginResult::Kind::InProgress: {
      HttpResponse busy = HttpResponse::problem(*begun.to_error(), call.path);
      busy.set_header("Retry-After", std::to_string((begun.retry_after.count() + 999) / 1000));
      return busy;
    }
    case BeginResult::Kind::Mismatch:
      return HttpResponse::problem(*begun.to_error(), call.path);
    case BeginResult::Kind::Proceed:
      break;
  }
  IdempotentWrite claim{call.tenant, *key, begun.token, call.now + options_.ledger.ttl.count(), nullptr};
  HttpResponse answer;
  bool recorded = false;
  try {
    answer = write(&claim);
    // A write that happened completed the record in its own transaction; a
    // refusal (412) is kept here, as any other final answer.
    recorded = answer.status == 200 || answer.status == 201;
  } catch (const Error& error) {
    if (error.code() == Code::IdempotencyLeaseLost) return HttpResponse::problem(error, call.path);
    answer = HttpResponse::problem(error, call.path);
  } catch (...) {
    ledger_.abandon(call.tenant, *key, begun.token);
    throw;
  }
  if (!recorded) ledger_.complete(call.tenant, *key, begun.token, answer.to_stored(), call.now);
  return answer;
}

}  // namespace truce::host
