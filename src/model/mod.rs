//! Models: what a user describes ([`Model`]), its JSON form, the zoo, and the validated
//! [`Network`] with shapes, FLOPs and parameters that the cost model reads. Each layer
//! kind lives in `crate::layers`.

mod branch;
mod error;
mod gateway_head;
pub mod json;
mod layer;
pub mod limits;
pub mod names;
mod network;
mod source;
mod window;
pub mod zoo;

pub use crate::layers::{
    Bilinear, Conv, Crop, Fc, Layer, PoolLayer, PoolMode, Reorg, Shuffle, Split, Upsample,
};
pub use branch::Branch;
pub use error::ModelError;
pub use gateway_head::{GatewayHead, HeadOp};
pub use layer::{Model, Passthrough, Pool, Shape};
pub use network::{LayerInfo, Network, RowMap};
pub use source::load;
pub use window::Axis;
