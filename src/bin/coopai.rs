//! The `coopai` binary: prints what [`coopai::cli::run`] returns, or a one-line error
//! and exit code 2.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    // OS strings: a file name need not be UTF-8, and no argument may panic.
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    match coopai::cli::run(&args) {
        Ok(out) => {
            // A closed pipe (`coopai reproduce | head`) is not an error worth a panic.
            let _ = std::io::stdout().write_all(out.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("coopai: {e}");
            ExitCode::from(2)
        }
    }
}
