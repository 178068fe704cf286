#pragma once
// The one compare-and-set write both document stores run (internal), over
// their own database API. `Db` provides, inside a transaction it opens:
//   Transaction begin();                      // commit(); rolls back unless committed
//   std::optional<Version> current_version(tenant, id);  // read, locking the row
//   std::optional<StoredDocument> current(tenant, id);   // the whole row (after the lock)
//   std::size_t count(tenant);
//   bool create(tenant, id, text, now);       // false: created meanwhile by someone else
//   void update(tenant, id, version, text, now);
//   void keep(tenant, id, version, text, now, history);  // into history, pruning older
//   bool complete(const IdempotentWrite&, const StoredResponse&);  // false: claim lost
#include <limits>
#include <optional>
#include <string>

#include "truce/document_store.hpp"
#include "truce/error.hpp"
#include "truce/idempotency_ledger.hpp"
#include "truce/json.hpp"

namespace truce::detail {

// Stored documents were checked when written (truce-host caps their depth);
// reading them back must not refuse one a deeper --max-depth let in.
inline Document parse_stored_document(const std::string& text) {
  ParseLimits limits;
  limits.max_depth = 100000;
  limits.max_bytes = std::numeric_limits<std::size_t>::max();
  return parse_json(text, limits);
}

template <class Db>
PutResult write_document(Db& db, const std::string& tenant, const std::string& id, const Document& doc,
                         const Expected& expected, UnixMs now, const IdempotentWrite* idempotent,
                         const DocumentStoreOptions& options) {
  for (;;) {
    auto transaction = db.begin();  // rolls back unless committed
    PutResult result;
    // The version alone decides; the document is read (and parsed) only to
    // hand it back with a refusal.
    const std::optional<Version> actual = db.current_version(tenant, id);
    if (check_version(expected, actual)) {
      result.current = db.current(tenant, id);
      return result;
    }
    const Version version = next_version(actual);
    const std::string text = to_json_text(doc);
    if (actual) {
      db.update(tenant, id, version, text, now);
    } else if (options.max_documents_per_tenant > 0 && db.count(tenant) >= options.max_documents_per_tenant) {
      throw Error(Code::LimitExceeded, "This tenant has reached its document limit",
                  {{"limit", "documents_per_tenant"}, {"max", options.max_documents_per_tenant}});
    } else if (!db.create(tenant, id, text, now)) {
      // Created meanwhile by another connection (PostgreSQL cannot lock a
      // row that is not there yet): look again.
      continue;
    }
    db.keep(tenant, id, version, text, now, options.history_span());
    if (idempotent) {
      const StoredResponse response = idempotent->response(StoredDocument{doc, version, now});
      if (!db.complete(*idempotent, response)) throw idempotency_lease_lost(idempotent->scope, idempotent->key);
    }
    transaction.commit();
    result.written = true;
    result.version = version;
    result.updated_at = now;
    return result;
  }
}

}  // namespace truce::detail
