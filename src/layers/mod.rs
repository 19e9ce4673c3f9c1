//! Every layer kind in one place: one file per kind holds what a person writes (the
//! struct and its JSON fields), its rules (output shape with the error a user sees,
//! FLOPs, parameters, which input rows an output row reads) and the executor's row
//! kernel with its work estimate. After tract's `TypedOp`: each op its own shape
//! function, and one registration line below.
//!
//! The kinds sit beside `model` and `execute` because a kind is both. Two traits keep
//! them apart where it matters: [`Op`] is what the solvers and the page need,
//! `execute::Kernel` what `verify` needs, so the page's wasm (which never verifies)
//! links no kernel.

pub(crate) use bilinear::back as bilinear_rows;
pub(crate) use conv::{conv_out, pooled};
pub use pool::PoolMode;

/// A kind's struct, and the fields of its JSON form (`FIELDS`, in the struct's order,
/// as serde's messages list them), so the two cannot drift apart.
macro_rules! kind_struct {
    ($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$m])*
        pub struct $name {
            $($(#[$fm])* pub $field: $ty,)*
        }

        pub(super) const FIELDS: &[&str] = &[$(stringify!($field)),*];
    };
}

/// A kind whose fields are all required `u32`s: its struct, and its JSON form (the
/// struct's fields, each required).
macro_rules! plain_kind {
    ($(#[$doc:meta])* $name:ident { $($field:ident),* }) => {
        kind_struct! {
            $(#[$doc])*
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
            pub struct $name {
                $(pub $field: u32,)*
            }
        }

        pub(super) fn parse(e: &Fields, index: usize) -> Result<Layer, ModelError> {
            Ok(Layer::$name($name {
                $($field: need(index, e.$field, stringify!($field))?,)*
            }))
        }
    };
}

/// What a kind's file uses, as tract's `internal` prelude: `use super::prelude::*`.
mod prelude {
    pub(super) use super::{Inputs, Layer, Op};
    pub(super) use crate::execute::budget::kernels::{mul, row_len, Cost};
    pub(super) use crate::execute::rounds::kernels::{
        per_row, same_row, CostCall, Kernel, RowCall,
    };
    pub(super) use crate::execute::tensor::{Missing, RowStore};
    pub(super) use crate::model::json::{need, Fields};
    pub(super) use crate::model::{limits, Axis, LayerInfo, ModelError, RowMap, Shape};
    pub(super) use serde::Serialize;
}

use serde::{Deserialize, Serialize};

use crate::execute::rounds::kernels::Kernel;
use crate::model::json::Fields;
use crate::model::{LayerInfo, ModelError, RowMap, Shape};

/// What a kind is to the model: its output from its inputs, and how its rows read them.
pub trait Op {
    /// Checks the inputs (count, shapes, the kind's own fields) and derives the output.
    fn derive(&self, at: &Inputs) -> Result<LayerInfo, ModelError>;

    /// The kind in words, with the geometry that decides its rows: what the page's
    /// tooltips and layer search say of it (`Session::describe` hands it on).
    fn text(&self, layer: &LayerInfo) -> String;

    /// How an output row maps back to the rows of its inputs (spec-dag §2).
    fn row_map(&self, _layer: &LayerInfo) -> RowMap {
        RowMap::Same
    }

    /// False for the paper's square conv and the FL, which a chain may hold.
    fn is_dag_only(&self) -> bool {
        true
    }
}

/// A window's optional fields, `(height, width)` sizes and strides and padding `[top,
/// bottom, left, right]`, each set only where it differs from the square, symmetric
/// case: the width, the width's stride, then the bottom, left and right padding.
fn window_fields(size: (u32, u32), stride: (u32, u32), pad: [u32; 4]) -> [Option<u32>; 5] {
    let differs = |v: u32, like: u32| (v != like).then_some(v);
    let [top, bottom, left, right] = pad;
    [
        differs(size.1, size.0),
        differs(stride.1, stride.0),
        differs(bottom, top),
        differs(left, top),
        differs(right, top),
    ]
}

/// What a layer reads, as `Network::new` resolved it.
pub struct Inputs<'a> {
    /// 1-based, as in messages.
    pub index: usize,
    pub kind: Layer,
    pub shapes: &'a [Shape],
    /// The layers read (0: the model's input).
    pub reads: &'a [usize],
    /// True in a branching model (`Network::dag`).
    pub dag: bool,
    /// Channels a passthrough adds to this layer's input (0 unless it is its target).
    pub skip_channels: u32,
}

impl Inputs<'_> {
    pub fn error(&self, message: impl Into<String>) -> ModelError {
        ModelError::layer(self.index, message)
    }

    /// Refuses a layer that does not read what its kind reads (`want`).
    pub fn arity(&self, want: &str, ok: bool) -> Result<(), ModelError> {
        if ok {
            return Ok(());
        }
        Err(self.error(format!(
            "a {} layer reads {want}, found {} input(s)",
            self.kind.type_name(),
            self.shapes.len()
        )))
    }

    /// This layer, with the shapes and costs its kind derived.
    pub fn made(&self, conv_out: Shape, output: Shape, flops: u64, params: u64) -> LayerInfo {
        LayerInfo {
            index: self.index,
            kind: self.kind,
            input: self.shapes[0],
            skip_channels: self.skip_channels,
            conv_out,
            output,
            flops,
            params,
        }
    }

    /// This layer, with no FLOPs and no parameters.
    pub fn free(&self, output: Shape) -> LayerInfo {
        self.made(output, output, 0, 0)
    }

    /// The one input of a layer that reads one.
    pub fn one(&self) -> Result<Shape, ModelError> {
        self.arity("one input", self.shapes.len() == 1)?;
        Ok(self.shapes[0])
    }

    /// The shape of two or more inputs of one shape (an elementwise join that `does`
    /// them, e.g. "adds").
    pub fn elementwise(&self, does: &str) -> Result<Shape, ModelError> {
        self.arity("two or more inputs", self.shapes.len() >= 2)?;
        self.all_alike(&format!("{does} tensors of different shapes"), |a, b| {
            a == b
        })?;
        Ok(self.shapes[0])
    }

    /// Refuses inputs that are not all `same` as the first (`why` says how they differ).
    pub fn all_alike(
        &self,
        why: &str,
        same: impl Fn(Shape, Shape) -> bool,
    ) -> Result<(), ModelError> {
        let first = self.shapes[0];
        match self.shapes.iter().find(|&&s| !same(first, s)) {
            None => Ok(()),
            Some(s) => Err(self.error(format!("{why}: {first} and {s}"))),
        }
    }
}

/// How a kind is read from the project's JSON: its fields (in serde's order, for the
/// messages) and the layer they make, with the defaults and the fields it requires.
pub(crate) struct JsonForm {
    pub fields: &'static [&'static str],
    pub parse: fn(&Fields, usize) -> Result<Layer, ModelError>,
}

/// `Variant(Struct) in module as "type"`: the one line that registers a kind (a unit
/// variant's module defines a unit struct of the variant's name, and its JSON form has
/// no fields). `"type"` names it in JSON and in messages.
macro_rules! kinds {
    ($( $variant:ident $(($ty:ident))? in $module:ident as $name:literal, )*) => {
        $( mod $module; $(pub use $module::$ty;)? )*

        /// One layer of the model, as a person writes it (`{"type": …}` in JSON). `Conv`
        /// and `Fc` are the paper's; the others appear in branching (DAG) models.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
        #[serde(tag = "type")]
        pub enum Layer {
            $( #[serde(rename = $name)] $variant $(($ty))?, )*
        }

        impl Layer {
            /// The kind's model rules.
            pub fn op(&self) -> &dyn Op {
                match self {
                    $( Layer::$variant $((op @ $ty { .. }))? => kinds!(@pick [$($ty)?] op, &$module::$variant), )*
                }
            }

            /// The kind's row kernel and its work (`crate::execute`).
            pub(crate) fn kernel(&self) -> &dyn Kernel {
                match self {
                    $( Layer::$variant $((op @ $ty { .. }))? => kinds!(@pick [$($ty)?] op, &$module::$variant), )*
                }
            }

            /// The name used in the JSON format and in messages.
            pub fn type_name(&self) -> &'static str {
                match self {
                    $( Layer::$variant { .. } => $name, )*
                }
            }
        }

        /// A layer's `type` in JSON: the index of its kind in [`JSON_FORMS`].
        #[derive(Clone, Copy, Deserialize)]
        pub(crate) enum Kind {
            $( #[serde(rename = $name)] $variant, )*
        }

        /// Every kind's JSON form, in the order of [`Kind`].
        pub(crate) const JSON_FORMS: &[JsonForm] = &[
            $( JsonForm {
                fields: kinds!(@pick [$($ty)?] $module::FIELDS, &[]),
                parse: kinds!(@pick [$($ty)?] $module::parse, |_, _| Ok(Layer::$variant)),
            }, )*
        ];
    };
    (@pick [$ty:ident] $some:expr, $none:expr) => { $some };
    (@pick [] $some:expr, $none:expr) => { $none };
}

kinds! {
    Conv(Conv) in conv as "conv",
    Fc(Fc) in fc as "fc",
    Pool(PoolLayer) in pool as "pool",
    Add in add as "add",
    Mul in mul as "mul",
    Scale in scale as "scale",
    Concat in concat as "concat",
    Split(Split) in split as "split",
    Upsample(Upsample) in upsample as "upsample",
    Bilinear(Bilinear) in bilinear as "bilinear",
    Shuffle(Shuffle) in shuffle as "shuffle",
    Reorg(Reorg) in reorg as "reorg",
    Crop(Crop) in crop as "crop",
}
