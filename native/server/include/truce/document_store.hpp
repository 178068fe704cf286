#pragma once
// Versioned JSON documents for a server: the optimistic-locking store behind
// truce-host, usable without it. One interface, implemented on SQLite and on
// PostgreSQL (truce::server), checked by one conformance suite
// (tests/server/document_store_conformance.hpp).
//
// Every write is one atomic compare-and-set against `Expected`
// (truce/version.hpp): it produces exactly the next version, or changes
// nothing and hands back the document as it is, so a client can recover in
// one round trip. The last `history` versions of each document are kept, so
// a write based on an older version can be three-way merged on the server.
// Documents are namespaced by tenant.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "truce/document.hpp"
#include "truce/idempotency_store.hpp"
#include "truce/version.hpp"

namespace truce {

struct StoredDocument {
  Document doc;
  Version version = 0;
  UnixMs updated_at = 0;
};

struct PutResult {
  bool written = false;
  // Written: the new version (exactly the previous one + 1, or 1 for a new
  // document) and its time.
  Version version = 0;
  UnixMs updated_at = 0;
  // Not written: the document as it is now; absent when it does not exist.
  std::optional<StoredDocument> current;

  // VERSION_CONFLICT (412 with If-Match) for a refused write: "Expected
  // version 2, resource is at version 3", details {expected, actual}.
  Error conflict_error(const Expected& expected) const;
};

// A write that answers a request holding an idempotency claim: the record is
// completed with `response(written)` in the same transaction as the write, so
// a crash can never leave one without the other. Applies only when the write
// happens; a refused write changes nothing, the record included.
struct IdempotentWrite {
  std::string scope, key, token;
  UnixMs expires_at = 0;
  std::function<StoredResponse(const StoredDocument& written)> response;
};

struct DocumentStoreOptions {
  // Versions kept per document, the current one included (>= 1).
  std::size_t history = 50;
  // Documents per tenant; a create beyond it is LIMIT_EXCEEDED (0: no limit).
  // Checked inside the write's transaction: exact on SQLite; on PostgreSQL
  // two creates racing at the limit may both pass.
  std::size_t max_documents_per_tenant = 0;
  // INVALID_ARGUMENT when history is 0.
  void validate() const;
  // history as a count of versions (an int64, as versions are).
  Version history_span() const;
};

class DocumentStore {
 public:
  virtual ~DocumentStore() = default;

  // The current document, or nothing.
  virtual std::optional<StoredDocument> get(const std::string& tenant, const std::string& id) = 0;

  // A version still kept in history (the current one included), or nothing:
  // never existed, or pruned.
  virtual std::optional<StoredDocument> get_version(const std::string& tenant, const std::string& id,
                                                    Version version) = 0;

  // Atomically: writes `doc` as the next version iff the document's current
  // version satisfies `expected`; otherwise changes nothing and returns the
  // current state. With `idempotent`, the claim's record is completed in the
  // same transaction; IDEMPOTENCY_LEASE_LOST (and nothing written) when the
  // claim is no longer held; LIMIT_EXCEEDED for a create past the tenant's
  // document limit. STORE_UNAVAILABLE when the database fails.
  virtual PutResult put(const std::string& tenant, const std::string& id, const Document& doc, const Expected& expected,
                        UnixMs now, const IdempotentWrite* idempotent = nullptr) = 0;

  // How many documents the tenant has.
  virtual std::size_t count(const std::string& tenant) = 0;
};

}  // namespace truce
