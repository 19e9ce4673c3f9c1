//! YOLOv2's passthrough (`Passthrough`): where it may go, and the branch's shape,
//! FLOPs and parameters. A chain keeps the paper's form; a DAG says the same with
//! `inputs` and a reorg layer.

use serde::Serialize;

use super::error::ModelError;
use super::layer::{Passthrough, Shape};
use super::limits;
use super::network::LayerInfo;
use crate::layers::Layer;

/// The derived facts of a passthrough branch.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Branch {
    pub spec: Passthrough,
    /// The tensor concatenated at the target, e.g. 19×19×256 in YOLOv2.
    pub shape: Shape,
    /// FLOPs of the branch's 1×1 conv for one row of `shape` (`reorg` conv rows).
    pub flops_per_row: u64,
    pub flops: u64,
    pub params: u64,
}

pub(super) fn check_passthrough_indices(
    p: Passthrough,
    layers: &[Layer],
) -> Result<Passthrough, ModelError> {
    let bad = |msg: String| Err(ModelError::passthrough(msg));
    if p.source == 0 || p.source > layers.len() {
        return bad(format!(
            "source {} is not a layer (the model has layers 1..{})",
            p.source,
            layers.len()
        ));
    }
    if p.target <= p.source || p.target > layers.len() {
        return bad(format!(
            "target {} must be a layer after source {} (the model has layers 1..{})",
            p.target,
            p.source,
            layers.len()
        ));
    }
    let (Layer::Conv(src), Layer::Conv(_)) = (layers[p.source - 1], layers[p.target - 1]) else {
        return bad("source and target must both be conv layers".into());
    };
    limits::check_size(None, "passthrough filters", p.filters)?;
    limits::check_size(None, "passthrough reorg", p.reorg)?;
    match src.pool {
        Some(pool) if pool.size == p.reorg && pool.stride == p.reorg => Ok(p),
        _ => bad(format!(
            "source layer {} must have a pool of size and stride {} (the reorg) so that each \
             device's branch rows line up with the rows it computes",
            p.source, p.reorg
        )),
    }
}

pub(super) fn branch_info(p: Passthrough, source: &LayerInfo) -> Result<Branch, ModelError> {
    let c = source.conv_out;
    if c.height % p.reorg != 0 || c.width % p.reorg != 0 {
        return Err(ModelError::passthrough(format!(
            "the source's conv output {}×{} is not divisible by reorg {}",
            c.height, c.width, p.reorg
        )));
    }
    let r = u64::from(p.reorg);
    let shape = Shape::new(
        c.height / p.reorg,
        c.width / p.reorg,
        limits::checked_u32(None, "passthrough channels", &[u64::from(p.filters), r, r])?,
    );
    let cs = u64::from(c.channels);
    let f = u64::from(p.filters);
    let flops_per_row = limits::checked(source.index, "FLOPs", &[2, cs, f, r, u64::from(c.width)])?;
    Ok(Branch {
        spec: p,
        shape,
        flops_per_row,
        flops: flops_per_row * u64::from(shape.height),
        params: cs * f + f,
    })
}

pub(super) fn check_branch_fits(
    p: Passthrough,
    b: &Branch,
    input: Shape,
) -> Result<(), ModelError> {
    if b.shape.height != input.height || b.shape.width != input.width {
        return Err(ModelError::passthrough(format!(
            "the branch is {}×{} but target layer {} reads {}×{}",
            b.shape.height, b.shape.width, p.target, input.height, input.width
        )));
    }
    Ok(())
}
