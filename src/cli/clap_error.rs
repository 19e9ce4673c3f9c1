//! `clap`'s errors as the project's one-line messages.
//!
//! `clap` renders an error over several lines with a usage block and quotes the user's
//! words raw. Here each error is rebuilt from its kind and context: the words quoted
//! through [`shown`] (escaped, shortened), `clap`'s suggestion kept, no usage block.

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::shown::{escaped, shortened, shown_str, MAX_SHOWN_CHARS};

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `--devices <D>` → `--devices`: the option as a user types it.
fn option_name(arg: &str) -> String {
    shortened(
        &escaped(arg.split(' ').next().unwrap_or(arg)),
        MAX_SHOWN_CHARS,
    )
}

fn suggestion(e: &clap::Error, kind: ContextKind) -> String {
    context(e, kind)
        .map(|s| format!(" (did you mean '{}'?)", shown_str(&s)))
        .unwrap_or_default()
}

/// One line for an error that is not a request for help or the version.
pub fn message(e: &clap::Error) -> String {
    let arg = context(e, ContextKind::InvalidArg).unwrap_or_default();
    match e.kind() {
        ErrorKind::InvalidSubcommand => {
            let hint = suggestion(e, ContextKind::SuggestedSubcommand);
            format!(
                "unknown command '{}'{}",
                shown_str(&context(e, ContextKind::InvalidSubcommand).unwrap_or_default()),
                if hint.is_empty() {
                    " (try: solve, reproduce, bench, verify)".to_string()
                } else {
                    hint
                }
            )
        }
        ErrorKind::UnknownArgument if !arg.starts_with('-') => {
            format!("unexpected argument '{}'", shown_str(&arg))
        }
        ErrorKind::UnknownArgument => format!(
            "unknown option '{}'{}",
            shown_str(&arg),
            suggestion(e, ContextKind::SuggestedArg)
        ),
        ErrorKind::ArgumentConflict
            if context(e, ContextKind::PriorArg).is_some_and(|p| p == arg) =>
        {
            format!("{} is given twice", option_name(&arg))
        }
        ErrorKind::ArgumentConflict => format!(
            "{} cannot be used with {}",
            option_name(&arg),
            option_name(&context(e, ContextKind::PriorArg).unwrap_or_default())
        ),
        ErrorKind::MissingRequiredArgument if arg.starts_with("--model") => {
            "--model is required (a zoo name or a model file)".into()
        }
        ErrorKind::MissingRequiredArgument => format!("{} is required", option_name(&arg)),
        ErrorKind::InvalidValue
            if context(e, ContextKind::InvalidValue).is_none_or(|v| v.is_empty()) =>
        {
            format!("{} needs a value", option_name(&arg))
        }
        ErrorKind::MissingSubcommand => {
            "a command is needed (try: solve, reproduce, bench, verify)".into()
        }
        kind => {
            // Anything else: clap's own first line, made safe.
            let text = e.to_string();
            let first = text.lines().next().unwrap_or_default();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            let described = if first.is_empty() {
                kind.as_str().unwrap_or("bad arguments")
            } else {
                first
            };
            shortened(&escaped(described), 200)
        }
    }
}
