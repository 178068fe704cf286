#include "truce/idempotency_ledger.hpp"

#include <algorithm>
#include <utility>

namespace truce {

Document StoredResponse::to_json() const { return {{"status", status}, {"headers", headers}, {"body", body}}; }

StoredResponse StoredResponse::from_json(const Document& wire) {
  const auto malformed = [] {
    return Error(Code::InvalidArgument,
                 "A stored response is {status: 100-599, headers: {name: string}, body: string}");
  };
  if (!wire.is_object() || !wire.contains("status") || !wire["status"].is_number_integer()) throw malformed();
  StoredResponse response;
  const auto status = wire["status"].get<std::int64_t>();
  if (status < 100 || status > 599) throw malformed();
  response.status = static_cast<int>(status);
  if (wire.contains("headers")) {
    if (!wire["headers"].is_object()) throw malformed();
    for (const auto& [name, value] : wire["headers"].items())
      if (!value.is_string()) throw malformed();
    response.headers = wire["headers"];
  }
  if (wire.contains("body")) {
    if (!wire["body"].is_string()) throw malformed();
    response.body = wire["body"].get<std::string>();
  }
  return response;
}

std::string_view begin_kind_name(BeginResult::Kind kind) noexcept {
  switch (kind) {
    case BeginResult::Kind::Proceed:
      return "proceed";
    case BeginResult::Kind::Replay:
      return "replay";
    case BeginResult::Kind::InProgress:
      return "in_progress";
    case BeginResult::Kind::Mismatch:
      return "mismatch";
  }
  return "proceed";
}

std::optional<Error> BeginResult::to_error() const {
  switch (kind) {
    case Kind::InProgress:
      return Error(Code::IdempotencyInProgress,
                   "A request with this idempotency key is still in progress; retry after " +
                       std::to_string(retry_after.count()) + " ms",
                   {{"retryAfterMs", retry_after.count()}});
    case Kind::Mismatch:
      return Error(Code::IdempotencyKeyReused, "This idempotency key was already used for a different request");
    case Kind::Proceed:
    case Kind::Replay:
      break;
  }
  return std::nullopt;
}

Document BeginResult::to_json() const {
  Document out = {{"kind", std::string(begin_kind_name(kind))}};
  if (kind == Kind::Proceed) out["token"] = token;
  if (kind == Kind::Replay && response) out["response"] = response->to_json();
  if (kind == Kind::InProgress) out["retryAfterMs"] = retry_after.count();
  return out;
}

IdempotencyLedger::IdempotencyLedger(IdempotencyStore& store, LedgerOptions options)
    : store_(store), options_(std::move(options)) {}

BeginResult IdempotencyLedger::begin(const std::string& scope, const std::string& key, const std::string& fingerprint,
                                     UnixMs now) {
  if (key.empty()) throw Error(Code::IdempotencyKeyMissing, "This request needs an Idempotency-Key");
  if (const KeyProblem problem = check_key(key, options_.key_policy); problem != KeyProblem::None) {
    throw Error(Code::IdempotencyKeyInvalid,
                "The idempotency key is not acceptable (" + std::string(key_problem_name(problem)) + ")",
                {{"problem", std::string(key_problem_name(problem))},
                 {"minLength", options_.key_policy.min_length},
                 {"maxLength", options_.key_policy.max_length}});
  }
  if (scope.empty()) throw Error(Code::InvalidArgument, "An idempotency scope (tenant or user) is required");
  if (fingerprint.empty()) throw Error(Code::InvalidArgument, "A request fingerprint is required");

  BeginResult out;
  out.token = new_uuid_v4().to_string();
  const ClaimResult result =
      store_.claim({scope, key, fingerprint, out.token, now, now + options_.lease.count(), now + options_.ttl.count()});
  if (result.claimed) {
    out.kind = BeginResult::Kind::Proceed;
    return out;
  }
  out.token.clear();
  if (!result.existing) throw Error(Code::Internal, "idempotency store refused a claim without naming a record");
  const IdempotencyRecord& existing = *result.existing;
  if (existing.fingerprint != fingerprint) {
    out.kind = BeginResult::Kind::Mismatch;
  } else if (existing.state == IdempotencyRecord::State::Completed && existing.response) {
    out.kind = BeginResult::Kind::Replay;
    out.response = existing.response;
  } else {
    out.kind = BeginResult::Kind::InProgress;
    out.retry_after = std::chrono::milliseconds(std::max<UnixMs>(0, existing.lease_until - now));
  }
  return out;
}

Error idempotency_lease_lost(const std::string& scope, const std::string& key) {
  return Error(Code::IdempotencyLeaseLost,
               "This request no longer holds its idempotency key: its lease expired and another request took it over",
               {{"scope", scope}, {"key", key}});
}

namespace {

[[noreturn]] void lease_lost(const std::string& scope, const std::string& key) {
  throw idempotency_lease_lost(scope, key);
}

}  // namespace

void IdempotencyLedger::complete(const std::string& scope, const std::string& key, const std::string& token,
                                 const StoredResponse& response, UnixMs now) {
  if (!options_.store_outcome(response.status)) {
    if (!store_.release(scope, key, token)) lease_lost(scope, key);
    return;
  }
  if (!store_.complete(scope, key, token, response, now + options_.ttl.count())) lease_lost(scope, key);
}

void IdempotencyLedger::abandon(const std::string& scope, const std::string& key, const std::string& token) {
  if (!store_.release(scope, key, token)) lease_lost(scope, key);
}

}  // namespace truce
