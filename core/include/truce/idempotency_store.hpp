#pragma once
// Where the idempotency ledger keeps its records: one interface, implemented
// in memory (core), on SQLite and on PostgreSQL (truce::server), and checked
// by one conformance suite (tests/core/idempotency_store_conformance.hpp).
//
// The store's whole job is the atomic claim: every implementation decides
// "claim or report what is there" in one step (a conditional insert under a
// unique (scope, key)), never check-then-act, so two racing requests can
// never both proceed.

#include <cstdint>
#include <optional>
#include <string>

#include "truce/document.hpp"

namespace truce {

// Unix time in milliseconds. The ledger takes `now` from its caller, so tests
// and replays can move time by hand.
using UnixMs = std::int64_t;

// A response worth giving back to a retry: status, headers, body, as sent.
struct StoredResponse {
  int status = 200;
  Document headers = Document::object();  // name -> value (string)
  std::string body;

  friend bool operator==(const StoredResponse& a, const StoredResponse& b) {
    return a.status == b.status && a.headers == b.headers && a.body == b.body;
  }
  // {"status", "headers", "body"}
  Document to_json() const;
  // INVALID_ARGUMENT when malformed.
  static StoredResponse from_json(const Document& wire);
};

struct IdempotencyRecord {
  enum class State { InProgress, Completed };

  std::string scope, key, fingerprint;
  State state = State::InProgress;
  std::string token;                       // who holds the claim (in progress) or held it
  UnixMs lease_until = 0;                  // in progress: another request may take over after this
  UnixMs expires_at = 0;                   // the record is gone (for every purpose) from this instant
  std::optional<StoredResponse> response;  // completed
};

struct ClaimRequest {
  std::string scope, key, fingerprint, token;
  UnixMs now = 0, lease_until = 0, expires_at = 0;
};

struct ClaimResult {
  bool claimed = false;
  // When not claimed: the record that stood in the way.
  std::optional<IdempotencyRecord> existing;
};

class IdempotencyStore {
 public:
  virtual ~IdempotencyStore() = default;

  // Atomically: writes an in-progress record for (scope, key) holding
  // `token`, when there is none, when the one there has expired
  // (expires_at <= now), or when it is in progress with an expired lease
  // (lease_until <= now) for the same fingerprint. Otherwise returns it.
  virtual ClaimResult claim(ClaimRequest request) = 0;

  // Stores the response iff (scope, key) is in progress under `token`; false
  // when the claim was lost (taken over after its lease, or purged).
  virtual bool complete(const std::string& scope, const std::string& key, const std::string& token,
                        const StoredResponse& response, UnixMs expires_at) = 0;

  // Deletes the record iff it is in progress under `token`; false otherwise.
  virtual bool release(const std::string& scope, const std::string& key, const std::string& token) = 0;

  // The record as stored, expired or not (for diagnostics and tests).
  virtual std::optional<IdempotencyRecord> find(const std::string& scope, const std::string& key) = 0;

  // Deletes every record with expires_at <= now; returns how many.
  virtual std::size_t purge_expired(UnixMs now) = 0;
};

}  // namespace truce
