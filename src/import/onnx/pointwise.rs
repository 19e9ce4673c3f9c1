//! Channels-last blocks (ConvNeXt): Transpose `[0, 2, 3, 1]` → LayerNormalization →
//! MatMul on the last axis → … → Transpose `[0, 3, 1, 2]`. A MatMul of `[1, H, W, C]`
//! by a constant `[C, C']` does, for every pixel, what a 1×1 conv of `C'` filters does
//! (`2·C·C'·H·W` FLOPs, each output row from the same input row), so it is planned as
//! one; LayerNormalization over the channels is cost-free like BatchNormalization, and
//! so is an L2 norm across the channels of each pixel (SSD).

use super::graph::Graph;
use super::node::Node;
use super::ops::pass;
use super::value::{list, Act, Value, View};
use crate::model::{Conv, Layer, ModelError};

/// LayerNormalization over the channels alone: the last axis of a channels-last tensor,
/// axis 1 of a flat one or of a `1×1` image. Other axes mix pixels and are refused.
pub fn layer_norm(g: &Graph, n: &Node) -> Result<Value, ModelError> {
    let x = n.act(0)?;
    n.constants(1..n.inputs.len())?;
    let axis = n.attrs.int_or("axis", -1);
    let channels = match x.view {
        View::ChannelsLast => matches!(axis, -1 | 3),
        View::Flat => matches!(axis, -1 | 1),
        View::Image => matches!(axis, 1 | -3) && x.shape.height == 1 && x.shape.width == 1,
        View::Grouped(_)
        | View::Transposed(_)
        | View::Vector
        | View::Unbatched
        | View::GroupNorm(_) => false,
    };
    if !channels || x.pad != [0; 4] {
        return Err(n.err(format!(
            "axis {axis} of dims {}: the planner reads a LayerNormalization over the channels \
             only (the last axis of a channels-last [1, H, W, C] tensor)",
            list(&x.dims())
        )));
    }
    Ok(Value::Act(pass(g, n, x)))
}

/// The L2 norm across the channels at each pixel (SSD's L2Norm: `ReduceL2` over axis 1
/// keeping it, or `LpNormalization` of axis 1), which the export then divides by: a
/// normalisation, cost-free like BatchNormalization; the norm stands for the tensor
/// it normalises.
pub fn channel_norm(g: &Graph, n: &Node) -> Result<Value, ModelError> {
    let x = n.image(0)?;
    let over_channels = match n.op() {
        "LpNormalization" => {
            matches!(n.attrs.int_or("axis", -1), 1 | -3) && n.attrs.int_or("p", 2) == 2
        }
        _ => {
            n.ints_or_input("axes", 1)?
                .as_deref()
                .is_some_and(|a| matches!(a, [1] | [-3]))
                && n.attrs.int_or("keepdims", 1) == 1
        }
    };
    if !over_channels {
        return Err(n.err(
            "the planner reads an L2 norm across the channels of each pixel only (axis 1, \
             dims kept)",
        ));
    }
    Ok(Value::Act(pass(g, n, x)))
}

/// MatMul of a channels-last tensor by constant weights `[C, C']`: a 1×1 conv of `C'`
/// filters whose output stays channels-last.
pub fn linear(g: &mut Graph, n: &Node, x: Act) -> Result<Value, ModelError> {
    let w = n.konst(1)?;
    let c = i64::from(x.shape.channels);
    let [k, filters] = w.dims[..] else {
        return Err(n.err(format!(
            "the weights have dims {}, expected a matrix [{c}, N] for the channels-last input",
            list(&w.dims)
        )));
    };
    if k != c || n.op() != "MatMul" {
        return Err(n.err(format!(
            "weights {} for input dims {}: the planner reads a MatMul on the channels of a \
             channels-last tensor by a [{c}, N] matrix",
            list(&w.dims),
            list(&x.dims())
        )));
    }
    let filters = n.size("the number of outputs", filters, 1)?;
    let mut a = g.push(
        Layer::Conv(Conv::same(filters, 1)),
        vec![x.layer],
        &n.origin,
    )?;
    a.view = View::ChannelsLast;
    Ok(Value::Act(a))
}
