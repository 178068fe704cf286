#pragma once
// The idempotency ledger: a retried mutation takes effect once, and every
// retry gets the first answer back (DESIGN.md §3; the IETF Idempotency-Key
// draft; Stripe; brandur's Postgres leases).
//
//   begin   -> proceed{token} | replay{response} | in_progress | mismatch
//   complete(token, response)  stores the answer (or releases the claim when
//                              the outcome is not worth storing, e.g. a 5xx)
//   abandon(token)             releases the claim so a retry runs again
//
// Records live per (scope, key): scope is the tenant or user, mandatory, so
// one caller can never read another's response.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "truce/error.hpp"
#include "truce/idempotency_key.hpp"
#include "truce/idempotency_store.hpp"

namespace truce {

struct LedgerOptions {
  std::chrono::milliseconds ttl = std::chrono::hours(24);
  // An in-progress claim older than this may be taken over by a retry: a
  // crashed worker cannot leave a key stuck "in progress" for ever.
  std::chrono::milliseconds lease = std::chrono::seconds(60);
  // Which outcomes are kept for replay; the rest release the claim. Default:
  // final responses, not 5xx (a retry of a server failure should run again).
  std::function<bool(int status)> store_outcome = [](int status) { return status < 500; };
  KeyPolicy key_policy;
};

struct BeginResult {
  enum class Kind { Proceed, Replay, InProgress, Mismatch };
  Kind kind = Kind::Proceed;
  std::string token;                       // Proceed: pass it to complete / abandon
  std::optional<StoredResponse> response;  // Replay
  std::chrono::milliseconds retry_after{0};  // InProgress: until the holder's lease ends

  // IDEMPOTENCY_IN_PROGRESS (409, details.retryAfterMs) or
  // IDEMPOTENCY_KEY_REUSED (422); nullopt for Proceed and Replay.
  std::optional<Error> to_error() const;
  Document to_json() const;
};

std::string_view begin_kind_name(BeginResult::Kind kind) noexcept;

// IDEMPOTENCY_LEASE_LOST (409): the claim on (scope, key) was taken over
// after its lease, or purged, so its holder may no longer answer for it.
Error idempotency_lease_lost(const std::string& scope, const std::string& key);

class IdempotencyLedger {
 public:
  explicit IdempotencyLedger(IdempotencyStore& store, LedgerOptions options = {});

  // IDEMPOTENCY_KEY_MISSING for an empty key, IDEMPOTENCY_KEY_INVALID (with
  // details.problem) for one the key policy refuses, INVALID_ARGUMENT for an
  // empty scope or fingerprint.
  BeginResult begin(const std::string& scope, const std::string& key, const std::string& fingerprint, UnixMs now);

  // IDEMPOTENCY_LEASE_LOST when the claim is no longer `token`'s.
  void complete(const std::string& scope, const std::string& key, const std::string& token,
                const StoredResponse& response, UnixMs now);
  void abandon(const std::string& scope, const std::string& key, const std::string& token);

  std::size_t purge_expired(UnixMs now) { return store_.purge_expired(now); }

  const LedgerOptions& options() const noexcept { return options_; }

 private:
  IdempotencyStore& store_;
  LedgerOptions options_;
};

}  // namespace truce
