//! The `coopai` command line (native only): `solve`, `reproduce`, `bench`, `verify`.
//! Every failure is a one-line [`CliError`] and exit code 2, never a panic.

mod args;
mod bench;
mod clap_error;
mod read;
mod reproduce;
mod setting;
pub mod shown;
mod solve;
mod table;
mod verify;

use std::ffi::OsString;
use std::fmt;

use clap::error::ErrorKind;

use args::{Cli, Command};

/// A message for the user; the binary prints it after `coopai: ` and exits with 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError(pub String);

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Runs the command line `args` (without the program name) and returns what to print:
/// the command's output, or the help or version text when asked for. Errors are one
/// line, escaped and bounded ([`shown::one_line`]).
pub fn run(args: &[OsString]) -> Result<String, CliError> {
    run_parsed(args).map_err(|e| CliError(shown::one_line(&e.0)))
}

fn run_parsed(args: &[OsString]) -> Result<String, CliError> {
    let words = std::iter::once(OsString::from("coopai")).chain(args.iter().cloned());
    let cli = match Cli::try_parse_words(words) {
        Ok(cli) => cli,
        Err(e) => {
            return match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Ok(e.to_string()),
                _ => Err(CliError(clap_error::message(&e))),
            }
        }
    };
    match cli.command {
        Command::Solve { setting, json, dp } => solve::run(&setting, json, dp),
        Command::Reproduce { json, markdown } => reproduce::run(json, markdown),
        Command::Bench { markdown, json } => bench::run(markdown, json),
        Command::Verify {
            setting,
            scale,
            seed,
            json,
        } => verify::run(&setting, scale.as_deref(), seed.as_deref(), json),
    }
}
