//! Hard limits on what a model may ask for, enforced in the core so that nothing a user
//! writes can exhaust memory or freeze a browser tab.

use super::error::ModelError;
use super::layer::Shape;
use super::network::Network;

/// Most layers in a chain.
pub const MAX_LAYERS: usize = 1_000;
/// Largest height, width, channel count, kernel, stride, pool or FL width.
pub const MAX_SIZE: u32 = 65_536;
/// Largest tensor handed from one layer to the next, in elements (2^32 − 1, so a split index fits in 32 bits).
pub const MAX_TENSOR_ELEMENTS: u64 = u32::MAX as u64;
/// Largest total work of a model, in FLOPs (a petaFLOP; YOLOv2 needs 6.3e10).
pub const MAX_FLOPS: u64 = 1_000_000_000_000_000;
/// Largest total parameter count (YOLOv2 has 5e7).
pub const MAX_PARAMS: u64 = 1_000_000_000_000;
/// Most inputs one layer may read (a concat of a DenseNet block reads dozens).
pub const MAX_INPUTS: usize = 1_000;
/// Most tensor reads of a whole model (each layer's inputs, summed). Real joins read a
/// few tensors (a DenseNet concat two); this keeps every model the core accepts
/// within its own JSON form's 250,000 values (so what an importer reads, the page can
/// pass on as project JSON) and a page's drawing of the joins' arrows bounded. A
/// 690-layer model whose every layer reads all the earlier ones reads 238,000.
pub const MAX_READS: usize = 200_000;
/// Longest model name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Refuses `inputs` (each layer's) when they read more than [`MAX_READS`] tensors.
pub(crate) fn check_reads(inputs: Vec<Vec<usize>>) -> Result<Vec<Vec<usize>>, ModelError> {
    let reads: usize = inputs.iter().map(Vec::len).sum();
    if reads > MAX_READS {
        return Err(ModelError::model(format!(
            "the layers read {reads} tensors in all, more than the limit of {MAX_READS} \
             (joins that read every earlier layer; real models read a few per join)"
        )));
    }
    Ok(inputs)
}

fn place(layer: Option<usize>, message: String) -> ModelError {
    match layer {
        Some(i) => ModelError::layer(i, message),
        None => ModelError::model(message),
    }
}

pub(crate) fn check_size(layer: Option<usize>, what: &str, value: u32) -> Result<(), ModelError> {
    if value == 0 {
        return Err(place(layer, format!("{what} must be at least 1, found 0")));
    }
    check_size_or_zero(layer, what, value)
}

pub(crate) fn check_size_or_zero(
    layer: Option<usize>,
    what: &str,
    value: u32,
) -> Result<(), ModelError> {
    if value > MAX_SIZE {
        return Err(place(
            layer,
            format!("{what} {value} is larger than the limit of {MAX_SIZE}"),
        ));
    }
    Ok(())
}

pub(crate) fn check_shape(layer: Option<usize>, what: &str, s: Shape) -> Result<(), ModelError> {
    check_size(layer, &format!("{what} height"), s.height)?;
    check_size(layer, &format!("{what} width"), s.width)?;
    check_size(layer, &format!("{what} channels"), s.channels)?;
    if s.elements() > MAX_TENSOR_ELEMENTS {
        return Err(place(
            layer,
            format!(
                "{what} has {} elements, more than the limit of {MAX_TENSOR_ELEMENTS}",
                s.elements()
            ),
        ));
    }
    Ok(())
}

pub(crate) fn check_tensor(index: usize, s: Shape) -> Result<(), ModelError> {
    check_shape(Some(index), "output", s)
}

pub(crate) fn check_name(name: &str) -> Result<(), ModelError> {
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(ModelError::at(
            "name",
            format!("the name has {chars} characters, more than the limit of {MAX_NAME_CHARS}"),
        ));
    }
    super::names::check(name).map_err(|e| ModelError::at("name", e))
}

/// The product of `factors`, or an error naming the layer when it exceeds [`MAX_FLOPS`].
pub(crate) fn checked(index: usize, what: &str, factors: &[u64]) -> Result<u64, ModelError> {
    factors
        .iter()
        .try_fold(1u64, |acc, &f| acc.checked_mul(f))
        .filter(|&p| p <= MAX_FLOPS)
        .ok_or_else(|| {
            ModelError::layer(index, format!("its {what} exceed the limit of {MAX_FLOPS}"))
        })
}

/// The product of `factors` as a size, or an error when it exceeds [`MAX_SIZE`], at
/// `layer` (the passthrough's branch when `None`).
pub(crate) fn checked_u32(
    layer: Option<usize>,
    what: &str,
    factors: &[u64],
) -> Result<u32, ModelError> {
    let p = factors
        .iter()
        .try_fold(1u64, |acc, &f| acc.checked_mul(f))
        .unwrap_or(u64::MAX);
    if p > u64::from(MAX_SIZE) {
        let message = format!("{what} {p} is larger than the limit of {MAX_SIZE}");
        return Err(match layer {
            Some(i) => ModelError::layer(i, message),
            None => ModelError::passthrough(message),
        });
    }
    Ok(p as u32)
}

pub(crate) fn check_totals(net: &Network) -> Result<(), ModelError> {
    let flops: u128 = net.layers.iter().map(|l| u128::from(l.flops)).sum();
    if flops > u128::from(MAX_FLOPS) {
        return Err(ModelError::model(format!(
            "the model needs {flops} FLOPs, more than the limit of {MAX_FLOPS}"
        )));
    }
    let params: u128 = net.layers.iter().map(|l| u128::from(l.params)).sum();
    if params > u128::from(MAX_PARAMS) {
        return Err(ModelError::model(format!(
            "the model has {params} parameters, more than the limit of {MAX_PARAMS}"
        )));
    }
    Ok(())
}
