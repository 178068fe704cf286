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

// The UTF-8 size of a string without encoding it (a lone surrogate counts
// as the three bytes of U+FFFD, as TextEncoder writes it).
export function utf8Length(text) {
  let bytes = text.length;
  for (let i = 0; i < text.length; ++i) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a pair: 4 bytes for 2 units
      ++i;
    } else bytes += 2;
  }
  return bytes;
}
