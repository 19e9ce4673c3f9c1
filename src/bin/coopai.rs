//! The `coopai` binary: prints what [`coopai::cli::run`] returns, or a one-line error
//! and exit code 2.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
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
