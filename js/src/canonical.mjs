// Values on their way to the core's canonical JSON (RFC 8785). They cross the
// WASM boundary as JSON text, and JSON.stringify would quietly turn NaN and
// Infinity into null and write lone surrogates as \ud800 escapes: the RFC
// refuses both, so they are refused here, with the codes the core gives for
// the same faults (INVALID_ARGUMENT for numbers JSON cannot hold, INVALID_JSON
// for text that has no UTF-8 form). Everything else is JSON.stringify's own
// reading of a value: toJSON() is called, undefined, functions and symbols
// are left out of objects and become null in arrays.
import { TruceError } from './errors.mjs';
import { isWellFormed } from './utf8.mjs';

function loneSurrogate(what) {
  const message = `Cannot canonicalize ${what}: it holds a lone surrogate, which has no UTF-8 form`;
  return new TruceError('INVALID_JSON', message, {}, 400);
}

function replacer(key, value) {
  if (!isWellFormed(key)) throw loneSurrogate('a member name');
  if (typeof value === 'string' && !isWellFormed(value)) throw loneSurrogate('a string');
  if (typeof value === 'number' && !Number.isFinite(value)) {
    const message = `Cannot canonicalize ${value}: JSON has no NaN or Infinity`;
    throw new TruceError('INVALID_ARGUMENT', message, { value: String(value) }, 400);
  }
  if (typeof value === 'bigint') {
    throw new TruceError('INVALID_ARGUMENT', 'Cannot canonicalize a BigInt: pass a number or a string', {}, 400);
  }
  return value;
}

// The JSON text of `value` for the core; `name` is the argument, for errors.
export function canonicalArgument(value, name) {
  let text;
  try {
    text = JSON.stringify(value, replacer);
  } catch (error) {
    if (error instanceof TruceError) throw Object.assign(error, { details: { ...error.details, argument: name } });
    // Cycles, throwing toJSON(): JSON.stringify's TypeError, made a TruceError.
    const message = `${name} cannot be written as JSON: ${error?.message ?? error}`;
    throw new TruceError('INVALID_ARGUMENT', message, { argument: name }, 400);
  }
  if (text === undefined) {
    throw new TruceError('INVALID_ARGUMENT', `${name} has no JSON form (${typeof value})`, { argument: name }, 400);
  }
  return text;
}

// A string argument (a method, a path) as JSON text; the core's message when it is not one.
export function stringArgument(value, name) {
  if (typeof value !== 'string') throw new TruceError('INVALID_ARGUMENT', `${name} must be a string`, {}, 400);
  return canonicalArgument(value, name);
}
