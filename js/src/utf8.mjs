// JS strings are UTF-16 and may hold lone surrogates, which have no UTF-8
// form. The core takes UTF-8, so every text is checked here before it
// crosses: TextEncoder would turn a lone surrogate into U+FFFD and
// Emscripten 3.1.6's embind encoder would fuse it with the next character
// (the text '"\uD800a"' arrived as '"\u{10061}"'), both silent changes.

const SURROGATE = /\p{Surrogate}/u; // with the u flag, only a lone surrogate matches
const SURROGATES = /\p{Surrogate}/gu;

// String.prototype.isWellFormed is Node 20 / Chrome 111.
export const isWellFormed =
  typeof String.prototype.isWellFormed === 'function'
    ? (text) => text.isWellFormed()
    : (text) => !SURROGATE.test(text);

// The UTF-16 index of the first lone surrogate, or -1.
export function loneSurrogateAt(text) {
  if (isWellFormed(text)) return -1;
  return text.search(SURROGATE);
}

// What TextEncoder and node:crypto hash for a string: its UTF-8 bytes, with
// each lone surrogate as U+FFFD.
export function toWellFormed(text) {
  if (typeof String.prototype.toWellFormed === 'function') return text.toWellFormed();
  return text.replace(SURROGATES, '\uFFFD');
}
