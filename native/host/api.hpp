#pragma once
// truce-host's document API, apart from sockets: routes, preconditions,
// idempotency and limits, over a DocumentStore and an IdempotencyStore.
//
//   GET /api/docs/{id}   200 + ETag, X-Version; 304 on If-None-Match; 404
//   PUT /api/docs/{id}   If-Match / X-Expected-Version / If-None-Match: *;
//                        200 or 201 + ETag; 412 with the current state; 428
//   PATCH /api/docs/{id} JSON Patch or Merge Patch made on the If-Match
//                        version: applied, or three-way merged onto the
//                        latest (X-Merged: true); 409 with the conflicts
//
// Every mutating request honours Idempotency-Key, scoped by X-Tenant.
// handle() never throws: every failure is an RFC 9457 problem+json response.

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>

#include "http_message.hpp"
#include "metrics.hpp"
#include "truce/document_store.hpp"
#include "truce/idempotency_ledger.hpp"
#include "truce/keyed_mutex.hpp"

namespace truce::host {

struct ApiOptions {
  bool allow_unconditional = false;       // a write without a precondition is "any" instead of 428
  bool require_idempotency_key = false;   // a write without Idempotency-Key is 400
  std::size_t max_body_bytes = 1u << 20;  // 413 beyond
  std::size_t max_depth = 1000;           // JSON nesting; 413 beyond
  LedgerOptions ledger;
};

// LIMIT_EXCEEDED (413) for a request body past `max` bytes.
Error body_too_large(std::size_t max);

class Api {
 public:
  using Clock = std::function<UnixMs()>;
  Api(DocumentStore& documents, IdempotencyStore& records, ApiOptions options, Clock clock);

  HttpResponse handle(const HttpRequest& request);

  Metrics& metrics() noexcept { return metrics_; }
  // GET /metrics: the Prometheus exposition text.
  std::string metrics_text() const { return metrics_.prometheus(writes_.metrics()); }

 private:
  struct Call;
  HttpResponse route(const Call& call);
  HttpResponse get(const Call& call);
  HttpResponse put(const Call& call);
  HttpResponse patch(const Call& call);
  // The body, once its size, media type (one of `media_types`, reported in
  // `media_type`) and JSON are acceptable.
  Document read_body(const Call& call, std::initializer_list<std::string_view> media_types,
                     std::string* media_type = nullptr) const;
  // What the write expects (If-Match, If-None-Match, X-Expected-Version);
  // nothing when unconditional writes are allowed and none was given; else 428.
  std::optional<Expected> precondition(const Call& call) const;
  // Writes `doc` if the document is at `expected`: 200/201 with the stored
  // document (X-Merged when it came from a merge), or 412 with the current state.
  HttpResponse commit(const Call& call, const Document& doc, const Expected& expected, IdempotentWrite* claim,
                      bool merged);
  // A refused write (`code`: 412 PRECONDITION_FAILED, 409 VERSION_CONFLICT)
  // whose details and ETag carry the document as it is (`current`).
  HttpResponse refusal(const Call& call, Code code, const std::string& message, Document details,
                       const std::optional<StoredDocument>& current);
  // The call with the clock read now.
  Call at_now(const Call& call) const;
  // Runs `write` once per Idempotency-Key: replays, refuses reuse and
  // in-flight duplicates, and keeps the answer. `write` gets the claim to
  // commit with its document write (nullptr without a key). `identity` is
  // what makes two requests the same one (body, media type, precondition,
  // merge options), fingerprinted with the method and the decoded id.
  HttpResponse idempotent(const Call& call, const Document& identity,
                          const std::function<HttpResponse(IdempotentWrite*)>& write);

  DocumentStore& documents_;
  IdempotencyLedger ledger_;
  ApiOptions options_;
  Clock clock_;
  KeyedMutex writes_;  // one write at a time per document in this process
  Metrics metrics_;
};

}  // namespace truce::host
