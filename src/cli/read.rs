//! Reading a model file with a bound on the bytes actually read.
//!
//! A file's metadata can lie: `/proc/self/pagemap` reports 0 bytes and reads without
//! end, a file can grow while it is read. So nothing here trusts the size: at most
//! `limit` bytes and one page more are read (a page, not one byte: files like
//! `pagemap` refuse reads that are not a multiple of 8 bytes), and anything past the
//! limit is the error.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::shown::shown;
use super::CliError;

/// The file's bytes, or a one-line error naming it: unreadable, or more than `limit`.
pub fn read_bytes(path: &Path, limit: usize) -> Result<Vec<u8>, CliError> {
    let name = shown(path.as_os_str());
    let file = File::open(path).map_err(|e| CliError(format!("{name}: {e}")))?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 4096)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError(format!("{name}: {e}")))?;
    if bytes.len() > limit {
        return Err(CliError(format!(
            "{name}: the file has more than {limit} bytes, the limit for a model"
        )));
    }
    Ok(bytes)
}

/// The file's text, or a one-line error naming it: unreadable, more than `limit`
/// bytes, or not UTF-8.
pub fn read_text(path: &Path, limit: usize) -> Result<String, CliError> {
    let bytes = read_bytes(path, limit)?;
    String::from_utf8(bytes).map_err(|_| {
        CliError(format!(
            "{}: the file is not UTF-8 text",
            shown(path.as_os_str())
        ))
    })
}
