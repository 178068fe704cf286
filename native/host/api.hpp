#pragma once
// truce-host's document API, apart from sockets: routes, preconditions,
// idempotency and limits, over a DocumentStore and an IdempotencyStore.
//
//   GET /api/docs/{id}   200 + ETag, X-Version; 304 on If-None-Match; 404
//   PUT /api/docs/{id}   If-Match / X-Expected-Version / If-None-Match: *;
//                        200 or 201 + ETag; 412 with the current state; 428
//
// Every mutating request honours Idempotency-Key, scoped by X-Tenant.
// handle() never throws: every failure is an RFC 9457 problem+json response.

#include <functional>
#include <string>

#include "http_message.hpp"
#include "truce/document_store.hpp"
#include "truce/idempotency_ledger.hpp"
#include "truce/keyed_mutex.hpp"

namespace truce::host {

struct ApiOptions {
  bool allow_unconditional = false;               // a write without a precondition is "any" instead of 428
  bool require_idempotency_key = false;           // a write without Idempotency-Key is 400
  std::size_t max_body_bytes = 1u << 20;          // 413 beyond
  std::size_t max_depth = 1000;                   // JSON nesting; 413 beyond
  std::size_t max_documents_per_tenant = 100000;  // creates beyond are 413
  LedgerOptions ledger;
};

// LIMIT_EXCEEDED (413) for a request body past `max` bytes.
Error body_too_large(std::size_t max);

class Api {
 public:
  using Clock = std::function<UnixMs()>;
  Api(DocumentStore& documents, IdempotencyStore& records, ApiOptions options, Clock clock);

  HttpResponse handle(const HttpRequest& request);

 private:
  struct Call;
  HttpResponse route(const Call& call);
  HttpResponse get(const Call& call);
  HttpResponse put(const Call& call);
  // Runs `write` once per Idempotency-Key: replays, refuses reuse and
  // in-flight duplicates, and keeps the answer. `write` gets the claim to
  // commit with its document write (nullptr without a key).
  HttpResponse idempotent(const Call& call, const Document& body,
                          const std::function<HttpResponse(IdempotentWrite*)>& write);

  DocumentStore& documents_;
  IdempotencyStore& records_;
  IdempotencyLedger ledger_;
  ApiOptions options_;
  Clock clock_;
  KeyedMutex writes_;  // one write at a time per document in this process
};

}  // namespace truce::host
