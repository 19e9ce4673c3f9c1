//! Models: what a user describes ([`Model`]), its JSON form, the zoo, and the validated
//! [`Network`] with shapes, FLOPs and parameters that the cost model reads.

mod crop;
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

pub use crop::Crop;
pub use error::ModelError;
pub use gateway_head::{GatewayHead, HeadOp};
pub use layer::{
    Conv, Fc, Layer, Model, Passthrough, Pool, PoolLayer, PoolMode, Reorg, Shape, Shuffle, Split,
    Upsample,
};
pub use network::{Branch, Kind, LayerInfo, Network, RowMap};
pub use source::load;
pub use window::Axis;
