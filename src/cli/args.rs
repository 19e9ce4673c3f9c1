//! A small flag parser: `--name value` options and `--name` switches, each known in
//! advance, so a typo is an error that names it rather than a silent default.

use std::collections::BTreeMap;

use super::CliError;

/// The flags given to one subcommand.
pub struct Args {
    values: BTreeMap<&'static str, String>,
    switches: Vec<&'static str>,
}

impl Args {
    /// Parses `raw` against the allowed `options` (take a value) and `switches`.
    pub fn parse(
        raw: &[String],
        options: &[&'static str],
        switches: &[&'static str],
    ) -> Result<Args, CliError> {
        let mut args = Args {
            values: BTreeMap::new(),
            switches: Vec::new(),
        };
        let mut it = raw.iter();
        while let Some(word) = it.next() {
            let name = word
                .strip_prefix("--")
                .ok_or_else(|| CliError(format!("unexpected argument '{word}'")))?;
            if let Some(&s) = switches.iter().find(|&&s| s == name) {
                args.switches.push(s);
            } else if let Some(&o) = options.iter().find(|&&o| o == name) {
                let value = it
                    .next()
                    .ok_or_else(|| CliError(format!("--{o} needs a value")))?;
                if args.values.insert(o, value.clone()).is_some() {
                    return Err(CliError(format!("--{o} is given twice")));
                }
            } else {
                return Err(CliError(format!("unknown option '--{name}'")));
            }
        }
        Ok(args)
    }

    pub fn switch(&self, name: &str) -> bool {
        self.switches.contains(&name)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// The value of `--name` parsed as `T`, or `default` when absent.
    pub fn parsed<T: std::str::FromStr>(
        &self,
        name: &str,
        default: T,
        expected: &str,
    ) -> Result<T, CliError> {
        match self.value(name) {
            None => Ok(default),
            Some(text) => text
                .trim()
                .parse()
                .map_err(|_| CliError(format!("--{name} expects {expected}, found '{text}'"))),
        }
    }
}
