#include "truce/retry.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace truce {
namespace {

[[noreturn]] void invalid_backoff(const std::string& why) {
  throw Error(Code::InvalidArgument, "Invalid backoff: " + why);
}

}  // namespace

void Backoff::validate() const {
  if (max_attempts < 1) invalid_backoff("maxAttempts must be at least 1");
  if (base.count() < 0) invalid_backoff("base must not be negative");
  if (!(factor >= 1.0) || !std::isfinite(factor)) invalid_backoff("factor must be a finite number >= 1");
  if (cap.count() < 0) invalid_backoff("cap must not be negative");
  if (!(jitter >= 0.0 && jitter <= 1.0)) invalid_backoff("jitter must be between 0 and 1");
}

std::chrono::microseconds Backoff::delay(int attempt, double unit) const {
  validate();
  if (attempt < 1) throw Error(Code::InvalidArgument, "attempt numbers start at 1");
  if (!(unit >= 0.0 && unit < 1.0)) throw Error(Code::InvalidArgument, "random draws must lie in [0, 1)");
  // Computed in double so large attempt numbers saturate at the cap instead of overflowing.
  const double base_us = static_cast<double>(base.count()) * 1000.0;
  const double cap_us = static_cast<double>(cap.count()) * 1000.0;
  const double grown = base_us * std::pow(factor, attempt - 1);
  const double capped = std::min(cap_us, grown);
  return std::chrono::microseconds(static_cast<std::int64_t>(std::llround(capped * (1.0 - jitter * unit))));
}

Backoff Backoff::from_json(const Document& wire) {
  if (!wire.is_object()) throw Error(Code::InvalidArgument, "backoff must be an object");
  Backoff out;
  const auto number = [&](const char* name) -> std::optional<double> {
    const auto it = wire.find(name);
    if (it == wire.end() || it->is_null()) return std::nullopt;
    if (!it->is_number()) invalid_backoff(std::string(name) + " must be a number");
    return it->get<double>();
  };
  const auto whole = [&](const char* name, double value) {
    if (!(value >= 0 && value <= 1e12) || std::floor(value) != value)
      invalid_backoff(std::string(name) + " must be a whole number of milliseconds");
    return static_cast<std::int64_t>(value);
  };
  if (const auto v = number("maxAttempts")) {
    if (!(*v >= 1 && *v <= 1e6) || std::floor(*v) != *v) invalid_backoff("maxAttempts must be a whole number >= 1");
    out.max_attempts = static_cast<int>(*v);
  }
  if (const auto v = number("baseMs")) out.base = std::chrono::milliseconds(whole("baseMs", *v));
  if (const auto v = number("factor")) out.factor = *v;
  if (const auto v = number("capMs")) out.cap = std::chrono::milliseconds(whole("capMs", *v));
  if (const auto v = number("jitter")) out.jitter = *v;
  out.validate();
  return out;
}

Document Backoff::to_json() const {
  return {{"maxAttempts", max_attempts},
          {"baseMs", base.count()},
          {"factor", factor},
          {"capMs", cap.count()},
          {"jitter", jitter}};
}

std::chrono::microseconds delay_after_conflict(const Backoff& backoff, std::string_view id, int attempt,
                                               const Error& conflict, double unit) {
  backoff.validate();
  if (attempt < 1) throw Error(Code::InvalidArgument, "attempt numbers start at 1");
  if (attempt < backoff.max_attempts) return backoff.delay(attempt, unit);
  throw Error(Code::VersionConflict,
              "Gave up updating '" + std::string(id) + "' after " + std::to_string(attempt) +
                  (attempt == 1 ? " attempt: " : " attempts: ") + conflict.message(),
              {{"id", std::string(id)}, {"attempts", attempt}, {"conflict", conflict.details()}});
}

UpdateResult update_with_retry(std::string_view id, const LoadFn& load, const MutateFn& mutate, const StoreFn& store,
                               const Backoff& backoff, const RetryHooks& hooks) {
  backoff.validate();
  if (!load || !mutate || !store || !hooks.sleep)
    throw Error(Code::InvalidArgument, "update_with_retry needs load, mutate, store and sleep");
  if (backoff.jitter > 0 && !hooks.random)
    throw Error(Code::InvalidArgument, "a backoff with jitter needs a random source");

  for (int attempt = 1;; ++attempt) {
    const Snapshot current = load(id);
    const Expected expected = current.version ? Expected::exact(*current.version) : Expected::no_stream();
    Document next = mutate(current.value);
    try {
      const Version written = store(id, next, expected);
      const Version wanted = next_version(current.version);
      if (written != wanted) {
        throw Error(Code::Internal,
                    "store wrote version " + std::to_string(written) + " for '" + std::string(id) + "', expected " +
                        std::to_string(wanted),
                    {{"id", std::string(id)}, {"written", written}, {"expected", wanted}});
      }
      return UpdateResult{std::move(next), written, attempt};
    } catch (const Error& error) {
      if (error.code() != Code::VersionConflict) throw;
      if (hooks.on_conflict) hooks.on_conflict(id, attempt, error);
      const double unit = backoff.jitter > 0 ? hooks.random() : 0.0;
      hooks.sleep(delay_after_conflict(backoff, id, attempt, error, unit));
    }
  }
}

}  // namespace truce
