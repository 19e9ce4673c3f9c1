//! How user-supplied text appears in a message: one line, readable, bounded.
//!
//! An argument or a file name can hold anything the OS allows: invalid UTF-8, escape
//! sequences that recolour or clear a terminal, newlines that forge a second message,
//! or 100 KB of text. Every message quotes such text through [`shown`], and the binary
//! passes every error through [`one_line`] as a last guard.

use std::ffi::OsStr;

/// Most characters of one quoted value.
pub const MAX_SHOWN_CHARS: usize = 60;
/// Most characters of a whole error message.
pub const MAX_MESSAGE_CHARS: usize = 400;

/// Control and bidi characters written as Rust escapes (`\n`, `\u{202e}`): the
/// core's one rule, which the page's errors follow too.
pub use crate::model::names::escaped;

/// The first `max` characters of `text`, then `…` when it was longer.
pub fn shortened(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// A user's value for a message: invalid UTF-8 as U+FFFD, escaped, shortened.
pub fn shown(value: &OsStr) -> String {
    shortened(&escaped(&value.to_string_lossy()), MAX_SHOWN_CHARS)
}

/// [`shown`] for text that is already a `str`.
pub fn shown_str(value: &str) -> String {
    shown(OsStr::new(value))
}

/// A whole message made safe to print as one line.
pub fn one_line(message: &str) -> String {
    shortened(&escaped(message), MAX_MESSAGE_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_shortens_and_keeps_plain_text() {
        assert_eq!(shown_str("vgg16"), "vgg16");
        assert_eq!(shown_str("a\nb\u{1b}[31m\t"), "a\\nb\\u{1b}[31m\\t");
        assert_eq!(shown_str("x\u{202E}y"), "x\\u{202e}y");
        let long = "é".repeat(1000);
        assert_eq!(shown_str(&long).chars().count(), MAX_SHOWN_CHARS + 1);
        assert!(shown_str(&long).ends_with('…'));
        assert_eq!(one_line("a\r\nb"), "a\\r\\nb");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            assert_eq!(shown(OsStr::from_bytes(b"\xff\xfe")), "\u{FFFD}\u{FFFD}");
        }
    }
}
