//! Plain-text and Markdown tables for the CLI.

/// Columns padded to their widest cell, separated by two spaces.
pub fn text(headers: &[&str], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..headers.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([headers[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, &w)| format!("{cell:>w$}"))
            .collect();
        padded.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(headers.to_vec());
    for row in rows {
        out += &line(row.iter().map(String::as_str).collect());
    }
    out
}

/// A GitHub-flavoured Markdown table.
pub fn markdown(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n", headers.join(" | "));
    out += &format!("|{}\n", "---|".repeat(headers.len()));
    for row in rows {
        out += &format!("| {} |\n", row.join(" | "));
    }
    out
}

/// A table from its headers and rows: plain text or Markdown.
pub type Render = fn(&[&str], &[Vec<String>]) -> String;

/// [`markdown`] when asked for, else [`text`].
pub fn renderer(markdown: bool) -> Render {
    if markdown {
        self::markdown
    } else {
        text
    }
}

/// A block's layers, `7` or `3-7`.
pub fn layers(first: usize, last: usize) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}-{last}")
    }
}

/// Times in seconds to 4 decimals: a plan's completion, compute and transfer.
pub fn seconds<const N: usize>(times: [f64; N]) -> [String; N] {
    times.map(|t| format!("{t:.4}"))
}
