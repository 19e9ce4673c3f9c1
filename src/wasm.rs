//! Thin JavaScript bindings for the page, and only what the page calls (each binding
//! costs wasm the page downloads; the executor stays with the CLI's `verify`): `Session`
//! for every solve, of equal devices and mixed clusters alike, and `importModel`.
//! Each checks its input and hands the core's result back as a plain JS object (numbers,
//! not BigInts; `null` for absent values), or throws an `Error` with the core's message.

use serde::Serialize;
use wasm_bindgen::prelude::*;

#[cfg(feature = "import")]
use crate::import::Format;
#[cfg(feature = "import")]
use crate::model::ModelError;
use crate::model::{self, zoo, Network};
use crate::solver::{Algorithm, Objective};

/// Talc instead of Rust's default dlmalloc: 2.7 KB gzipped smaller, and made for wasm.
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Names of the zoo models, in the order the page lists them.
#[wasm_bindgen(js_name = zooNames)]
pub fn zoo_names() -> Vec<String> {
    zoo::NAMES.iter().map(|n| n.to_string()).collect()
}

/// What the page's "Your model" panel needs after a paste: the format recognised and
/// the model in the project's JSON (compact), which the page downloads, keeps in the URL
/// and solves from then on (re-importing a large Keras file on every slider move would
/// not be cheap).
#[cfg(feature = "import")]
#[wasm_bindgen(js_name = importModel)]
pub fn import_model(source: &str) -> Result<JsValue, JsError> {
    console_error_panic_hook::set_once();
    imported(crate::import::read_text(source).map(|(format, net)| (format, net, Vec::new())))
}

/// `importModel` for a file's bytes (a `Uint8Array`): ONNX, recognised by content, or
/// any text format `importModel` reads. Weight data in the file is skipped, never
/// copied again. What was read leniently comes back as `warnings`, as the CLI prints it.
#[cfg(feature = "onnx")]
#[wasm_bindgen(js_name = importModelBytes)]
pub fn import_model_bytes(bytes: &[u8]) -> Result<JsValue, JsError> {
    console_error_panic_hook::set_once();
    imported(crate::import::read_bytes_noting(bytes))
}

/// The format's name, the model as compact project JSON (with a detection head left to
/// the gateway), where the file wrote each layer and the lines on what was read
/// leniently (escaped like errors; project JSON has no place for these two), the head
/// in words, or the core's error.
#[cfg(feature = "import")]
fn imported(read: Result<(Format, Network, Vec<String>), ModelError>) -> Result<JsValue, JsError> {
    let (format, net, notes) = read.map_err(err)?;
    #[derive(Serialize)]
    struct Imported {
        format: &'static str,
        json: String,
        sources: Vec<String>,
        warnings: Vec<String>,
        head: Option<String>,
    }
    to_js(&Imported {
        format: format.name(),
        json: serde_json::to_string(&net.model).map_err(err)?,
        sources: net.sources,
        warnings: notes
            .iter()
            .map(|n| crate::model::names::escaped(n))
            .collect(),
        head: net.model.gateway_head.as_ref().map(|h| h.describe()),
    })
}

fn load(source: &str) -> Result<Network, JsError> {
    console_error_panic_hook::set_once();
    model::load(source).map_err(err)
}

/// A device count from JS: a whole number (the range is the core's to check).
fn whole_devices(devices: f64) -> Result<u32, JsError> {
    if devices.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&devices) {
        Ok(devices as u32)
    } else {
        Err(JsError::new(&format!(
            "devices must be a whole number, found {devices}"
        )))
    }
}

/// The core's message for the page, with any character that would reorder or hide
/// the text around it escaped (a message may quote a file's names).
fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&crate::model::names::escaped(&e.to_string()))
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON)]
    fn parse(text: &str) -> JsValue;
}

/// The value as `serde_json` writes it for the CLI's `--json` (u64 as numbers: FLOPs and
/// bits stay below 2^53; an infinite time, which JSON cannot hold, as `null`), parsed by
/// the browser's `JSON.parse`: smaller wasm than building the object call by call.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    Ok(parse(&serde_json::to_string(value).map_err(err)?))
}

/// `"mls"` or `"sls"`, or an error naming what was given.
fn parse_algorithm(text: &str) -> Result<Algorithm, JsError> {
    Algorithm::parse(text)
        .ok_or_else(|| err(format!("algorithm must be 'mls' or 'sls', found '{text}'")))
}

/// `latency` or `throughput` from JS: what a plan minimises.
fn parse_objective(text: &str) -> Result<Objective, JsError> {
    Objective::parse(text).ok_or_else(|| {
        err(format!(
            "objective must be 'latency' or 'throughput', found '{text}'"
        ))
    })
}

mod session;
pub use session::Session;

#[cfg(test)]
mod tests;
