// updateWithRetry: the async twin of truce::update_with_retry. The loop awaits
// the caller's load/store here, but every decision (delay, give-up error) is
// made by the C++ core, so both runtimes retry the same way.
import { TruceError } from './errors.mjs';

const realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function requireFunction(value, name) {
  if (typeof value !== 'function') {
    throw new TruceError('INVALID_ARGUMENT', `updateWithRetry needs ${name} to be a function`, { name }, 400);
  }
}

export async function updateWithRetry(id, steps = {}, core) {
  const { load, mutate, store, backoff = {}, onConflict, sleep = realSleep, random = Math.random } = steps;
  requireFunction(load, 'load');
  requireFunction(mutate, 'mutate');
  requireFunction(store, 'store');
  requireFunction(sleep, 'sleep');

  for (let attempt = 1; ; attempt += 1) {
    const snapshot = (await load(id)) ?? {};
    const exists = snapshot.version !== undefined && snapshot.version !== null;
    const next = await mutate(exists ? snapshot.value : undefined);
    try {
      const written = await store(id, next, exists ? snapshot.version : null);
      const wanted = core.nextVersion(exists ? snapshot.version : null);
      if (String(written) !== String(wanted)) {
        throw new TruceError(
          'INTERNAL',
          `store wrote version ${written} for '${id}', expected ${wanted}`,
          { id, written: String(written), expected: String(wanted) },
          500,
        );
      }
      return { value: next, version: written, attempts: attempt };
    } catch (error) {
      if (!(error instanceof TruceError) || error.code !== 'VERSION_CONFLICT') throw error;
      onConflict?.(id, attempt, error);
      const unit = (backoff.jitter ?? 0) > 0 ? random() : 0;
      await sleep(core.delayAfterConflict(backoff, attempt, error, unit));
    }
  }
}
