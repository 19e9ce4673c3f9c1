//! How a name or a message that quotes one may be shown: the one rule for the CLI and
//! the page.
//!
//! A name comes from a file someone else wrote (a model, a layer, a device). Control
//! characters forge lines or recolour a terminal, and the bidirectional controls
//! (U+202E, right-to-left override) and invisible marks reorder or hide the text
//! after them on a screen without being control characters. Names the core keeps (a
//! model's, a device's) are refused when they hold one ([`check`]); messages quoting
//! anything else are [`escaped`] where they leave the core (the CLI's output, the
//! page's errors).

/// Characters that change how the text around them is displayed: controls,
/// zero-width and bidirectional marks, embeddings, overrides and isolates, the BOM.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// `text` with every [`is_hidden`] character written as a Rust escape (`\n`,
/// `\u{202e}`).
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hidden(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Refuses a name that holds an [`is_hidden`] character, naming the first one.
pub fn check(name: &str) -> Result<(), String> {
    match name.chars().find(|&c| is_hidden(c)) {
        Some(c) => Err(format!(
            "the name contains {}, a control or bidirectional character that would change \
             how the text around it is shown",
            c.escape_unicode()
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_and_controls_are_escaped_or_refused() {
        assert_eq!(
            escaped("a\u{202E}b\nc\u{2066}d"),
            "a\\u{202e}b\\nc\\u{2066}d"
        );
        assert_eq!(
            escaped("résumé 東京 ٣"),
            "résumé 东京 ٣".replace('东', "東")
        );
        assert!(check("pi\u{202E}4").unwrap_err().contains("\\u{202e}"));
        assert!(check("a\u{1b}[31m").unwrap_err().contains("\\u{1b}"));
        assert!(check("jetson orin \u{1F680}").is_ok());
    }
}
