//! Reading a model or cluster file with a bound on the bytes actually read.
//!
//! Only regular files are read, and only when their size says they hold something:
//! a FIFO blocks on open, a device (`/dev/zero`) never ends, and the kernel's files
//! report 0 bytes while `/proc/kmsg` blocks in `read` (and, read as root, drains the
//! kernel log) and `/proc/self/pagemap` reads without end. A size over the limit is
//! refused before a byte is read. The size can still lie (a file can grow while it is
//! read), so at most the limit and one page more are read (a page, not one byte: some
//! kernel files refuse reads that are not a multiple of 8 bytes), and anything past
//! the limit is the error.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::shown::shown;
use super::CliError;

/// The bytes of `what` (`"a model"`), or a one-line error naming the file: not a
/// regular file, empty, unreadable, or more than the limit that `limit` gives for its
/// first byte (a file that starts like an ONNX model may be larger than a text).
pub fn read_bytes(
    path: &Path,
    what: &str,
    limit: impl Fn(u8) -> usize,
) -> Result<Vec<u8>, CliError> {
    let name = shown(path.as_os_str());
    let fail = |e: std::io::Error| CliError(format!("{name}: {e}"));
    let size = regular_size(path, &name)?;
    let mut file = File::open(path).map_err(fail)?;
    let mut bytes = Vec::new();
    (&mut file).take(1).read_to_end(&mut bytes).map_err(fail)?;
    let Some(&first) = bytes.first() else {
        return Err(CliError(format!("{name}: the file is empty")));
    };
    let limit = limit(first);
    let too_large = || {
        CliError(format!(
            "{name}: the file has more than {limit} bytes, the limit for {what}"
        ))
    };
    if size > limit as u64 {
        return Err(too_large());
    }
    file.take(limit as u64 + 4096)
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    if bytes.len() > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// The size of the regular file at `path`, refusing anything else and a size of 0.
fn regular_size(path: &Path, name: &str) -> Result<u64, CliError> {
    let meta = std::fs::metadata(path).map_err(|e| CliError(format!("{name}: {e}")))?;
    if !meta.is_file() {
        return Err(CliError(format!(
            "{name}: not a regular file (a device, a pipe or a folder is not read)"
        )));
    }
    if meta.len() == 0 {
        return Err(CliError(format!(
            "{name}: the file reports a size of 0 bytes (an empty file, or a kernel file \
             such as /proc/kmsg, which is not read)"
        )));
    }
    Ok(meta.len())
}

/// The text of `what`, or a one-line error naming the file: what [`read_bytes`]
/// refuses, more than `limit` bytes, or not UTF-8.
pub fn read_text(path: &Path, what: &str, limit: usize) -> Result<String, CliError> {
    let bytes = read_bytes(path, what, |_| limit)?;
    String::from_utf8(bytes).map_err(|_| {
        CliError(format!(
            "{}: the file is not UTF-8 text",
            shown(path.as_os_str())
        ))
    })
}
