// A name the page shows that the core never saw (a dropped file's name), escaped by the
// core's rule (`src/model/names.rs`, `is_hidden`): control characters, and the
// bidirectional and invisible marks that would reorder or hide the text after them
// (U+202E turns "gpj.exe" around), written as `\u{202e}`. Names and messages from the
// core are escaped there already.

const HIDDEN = /[\p{Cc}\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/gu;
const SHORT = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** `text` with every hidden character as a Rust-style escape, as the CLI prints it. */
export function escaped(text) {
  return text.replace(HIDDEN, (c) => SHORT[c] ?? `\\u{${c.codePointAt(0).toString(16)}}`);
}
