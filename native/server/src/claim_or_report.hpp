#pragma once
// The claim both database idempotency stores run (internal), over their own
// database API: the conditional upsert alone, which is all a claim on a new
// key needs; when it is refused, the upsert again inside a write transaction
// that also reads the record, so what is reported is what refused the claim.
// (SQLite's BEGIN IMMEDIATE holds the write lock; PostgreSQL's ON CONFLICT
// DO UPDATE locks the row even when its WHERE refuses the update.)
#include <optional>

#include "truce/idempotency_store.hpp"

namespace truce::detail {

// try_claim(request) -> bool; begin() -> a transaction with commit(), rolled
// back unless committed; find(scope, key) -> std::optional<IdempotencyRecord>.
template <class TryClaim, class Begin, class Find>
ClaimResult claim_or_report(const ClaimRequest& request, const TryClaim& try_claim, const Begin& begin,
                            const Find& find) {
  if (try_claim(request)) return {true, std::nullopt};
  auto transaction = begin();
  ClaimResult result;
  result.claimed = try_claim(request);
  if (!result.claimed) result.existing = find(request.scope, request.key);
  transaction.commit();
  return result;
}

}  // namespace truce::detail
