// Idempotency, as JSON in / JSON out.
#include <map>
#include <memory>
#include <string>

#include "adapters.hpp"
#include "boundary.hpp"
#include "truce/canonical_json.hpp"
#include "truce/error.hpp"
#include "truce/fingerprint.hpp"
#include "truce/idempotency_key.hpp"
#include "truce/idempotency_ledger.hpp"
#include "truce/memory_idempotency_store.hpp"
#include "truce/sha256.hpp"

namespace truce::wasm {
namespace {

const std::string& text(const Document& wire, const char* what) {
  if (!wire.is_string()) throw Error(Code::InvalidArgument, std::string(what) + " must be a string");
  return wire.get_ref<const std::string&>();
}

// --- Canonical JSON and fingerprints -------------------------------------

Document canonical_text(const Document& args) { return canonical_json(args[0]); }

// JS hands over its string as JSON text, so these are its UTF-8 bytes.
Document sha256_of_text(const Document& args) { return sha256_hex(text(args[0], "text")); }

// A request without a body may leave the argument out: it is hashed as null.
Document request_fingerprint(const Document& args) {
  const Document no_body;
  const std::string& method = text(args[0], "method");
  const std::string& path = text(args[1], "path");
  return fingerprint(method, path, args.size() > 2 ? args[2] : no_body);
}

// --- Keys ------------------------------------------------------------------

Document idempotency_key(const Document&) { return new_idempotency_key(); }
Document uuid_v4(const Document&) { return new_uuid_v4().to_string(); }
Document session_id(const Document&) { return new_session_id(); }

// {uuid (lowercase), version, unixMs (version 7)} or null.
Document uuid_parts(const Document& args) {
  const auto uuid = parse_uuid(text(args[0], "uuid"));
  if (!uuid) return nullptr;
  Document out = {{"uuid", uuid->to_string()}, {"version", uuid->version()}};
  if (uuid->version() == 7) out["unixMs"] = uuid->unix_ms();
  return out;
}

KeyPolicy key_policy(const Document& wire) {
  KeyPolicy policy;
  if (wire.is_null()) return policy;
  if (!wire.is_object()) throw Error(Code::InvalidArgument, "a key policy is {minLength, maxLength, rejectLowEntropy}");
  for (const auto& [name, value] : wire.items()) {
    if ((name == "minLength" || name == "maxLength") && value.is_number_unsigned()) {
      (name == "minLength" ? policy.min_length : policy.max_length) = value.get<std::size_t>();
    } else if (name == "rejectLowEntropy" && value.is_boolean()) {
      policy.reject_low_entropy = value.get<bool>();
    } else {
      throw Error(Code::InvalidArgument, "unknown or mistyped key policy option '" + name + "'", {{"option", name}});
    }
  }
  return policy;
}

// {valid, problem}: problem is none, empty, too_short, too_long, bad_character or low_entropy.
Document key_check(const Document& args) {
  const KeyProblem problem = check_key(text(args[0], "key"), key_policy(args.size() > 1 ? args[1] : Document()));
  return {{"valid", problem == KeyProblem::None}, {"problem", std::string(key_problem_name(problem))}};
}

// --- A ledger over the in-memory store ------------------------------------
// JS holds ledgers by number; each lives in the module until disposed.

struct MemoryLedger {
  MemoryIdempotencyStore store;
  IdempotencyLedger ledger;
  MemoryLedger(MemoryStoreLimits limits, LedgerOptions options) : store(limits), ledger(store, std::move(options)) {}
};

std::map<std::int64_t, std::unique_ptr<MemoryLedger>>& ledgers() {
  static std::map<std::int64_t, std::unique_ptr<MemoryLedger>> all;
  return all;
}

MemoryLedger& ledger_at(const Document& id) {
  if (!id.is_number_integer()) throw Error(Code::InvalidArgument, "a ledger handle is a number");
  const auto it = ledgers().find(id.get<std::int64_t>());
  if (it == ledgers().end()) throw Error(Code::InvalidArgument, "this ledger was disposed of");
  return *it->second;
}

std::int64_t whole(const Document& wire, const char* what) {
  if (!wire.is_number_integer()) throw Error(Code::InvalidArgument, std::string(what) + " must be a whole number");
  return wire.get<std::int64_t>();
}

Document ledger_create(const Document& args) {
  static std::int64_t next_id = 1;
  LedgerOptions options;
  MemoryStoreLimits limits;
  const Document& wire = args[0];
  if (!wire.is_null() && !wire.is_object()) throw Error(Code::InvalidArgument, "ledger options must be an object");
  if (wire.is_object()) {
    for (const auto& [name, value] : wire.items()) {
      if (name == "ttlMs") options.ttl = std::chrono::milliseconds(whole(value, "ttlMs"));
      else if (name == "leaseMs") options.lease = std::chrono::milliseconds(whole(value, "leaseMs"));
      else if (name == "maxEntries") limits.max_entries = static_cast<std::size_t>(whole(value, "maxEntries"));
      else if (name == "maxBytes") limits.max_bytes = static_cast<std::size_t>(whole(value, "maxBytes"));
      else if (name == "keyPolicy") options.key_policy = key_policy(value);
      else throw Error(Code::InvalidArgument, "unknown ledger option '" + name + "'", {{"option", name}});
    }
  }
  ledgers()[next_id] = std::make_unique<MemoryLedger>(limits, std::move(options));
  return next_id++;
}

Document ledger_begin(const Document& args) {
  MemoryLedger& at = ledger_at(args[0]);
  const std::string& scope = text(args[1], "scope");
  const std::string& key = text(args[2], "key");
  const std::string& request = text(args[3], "fingerprint");
  return at.ledger.begin(scope, key, request, whole(args[4], "now")).to_json();
}

Document ledger_complete(const Document& args) {
  MemoryLedger& at = ledger_at(args[0]);
  const std::string& scope = text(args[1], "scope");
  const std::string& key = text(args[2], "key");
  const std::string& token = text(args[3], "token");
  StoredResponse response = StoredResponse::from_json(args[4]);
  at.ledger.complete(scope, key, token, std::move(response), whole(args[5], "now"));
  return nullptr;
}

Document ledger_abandon(const Document& args) {
  MemoryLedger& at = ledger_at(args[0]);
  const std::string& scope = text(args[1], "scope");
  const std::string& key = text(args[2], "key");
  at.ledger.abandon(scope, key, text(args[3], "token"));
  return nullptr;
}

Document ledger_purge(const Document& args) {
  return ledger_at(args[0]).ledger.purge_expired(whole(args[1], "now"));
}

Document ledger_dispose(const Document& args) {
  ledgers().erase(whole(args[0], "ledger"));
  return nullptr;
}

}  // namespace

void add_idempotency_adapters(std::vector<Adapter>& table) {
  table.insert(table.end(), {
                                // Canonical JSON and fingerprints
                                {"canonical_json", &adapt<canonical_text, 1>},
                                {"sha256_hex", &adapt<sha256_of_text, 1>},
                                {"fingerprint", &adapt<request_fingerprint, 2>},
                                // Keys
                                {"new_idempotency_key", &adapt<idempotency_key, 0>},
                                {"new_uuid_v4", &adapt<uuid_v4, 0>},
                                {"new_session_id", &adapt<session_id, 0>},
                                {"parse_uuid", &adapt<uuid_parts, 1>},
                                {"check_key", &adapt<key_check, 1>},
                                // A ledger over the in-memory store
                                {"ledger_create", &adapt<ledger_create, 1>},
                                {"ledger_begin", &adapt<ledger_begin, 5>},
                                {"ledger_complete", &adapt<ledger_complete, 6>},
                                {"ledger_abandon", &adapt<ledger_abandon, 4>},
                                {"ledger_purge", &adapt<ledger_purge, 2>},
                                {"ledger_dispose", &adapt<ledger_dispose, 1>},
                            });
}

}  // namespace truce::wasm
