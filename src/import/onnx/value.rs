//! What a tensor name stands for while the graph is read: a tensor the planner computes
//! (an [`Act`], a view of one layer's output) or a constant (weights, shapes, scales),
//! whose dims are always known and whose values only when small.

use std::rc::Rc;

use super::proto::{data_field, data_type, Counter, TensorProto};
use crate::model::{ModelError, Shape};

/// Most values kept for one constant: enough for shapes, pads, scales and indices.
pub const MAX_CONST_VALUES: usize = 64;

/// Most dims of any tensor: real exports use at most 6. Bounding the rank bounds every
/// dims list the importer keeps or copies, whatever a hostile file declares.
pub const MAX_RANK: usize = 16;

/// How a layer's `height × width × channels` output is seen by ONNX, which keeps the
/// batch dimension and sometimes reshapes without moving data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// `[1, C, H, W]`.
    Image,
    /// `[1, H·W·C]` after a Flatten or Reshape: only a Gemm or MatMul may read it.
    Flat,
    /// `[1, g, C/g, H, W]`: the first reshape of a channel shuffle.
    Grouped(u32),
    /// `[1, C/g, g, H, W]`: the shuffle's transpose; the reshape back makes the layer.
    Transposed(u32),
    /// `[1, H, W, C]` after Transpose `[0, 2, 3, 1]` (ConvNeXt's blocks): a MatMul on the
    /// last axis is a pointwise conv, Transpose `[0, 3, 1, 2]` returns to the image.
    ChannelsLast,
    /// `[H·W·C]`, the batch dropped too: the dynamo exporter's `as_strided`, which a
    /// Gather by the counting indices 0, 1, …, N − 1 reshapes back (`super::shape::gather`).
    Vector,
    /// `[1, G, C·H·W / G]` read by InstanceNormalization: GroupNorm as exports write it
    /// (Reshape, InstanceNormalization, Reshape back), which only cost-free ops read.
    GroupNorm(u32),
    /// `[C, H, W]`: one picture without its batch axis, as torchvision's detection models
    /// take it; their transform batches it (Unsqueeze, or a Concat of the one picture).
    Unbatched,
}

/// A tensor the planner computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Act {
    /// The layer whose output this is (1-based; 0 is the model input).
    pub layer: usize,
    pub shape: Shape,
    pub view: View,
    /// Padding of a `Pad` node not yet folded into the conv or pool that must read it:
    /// top, left, bottom, right.
    pub pad: [u32; 4],
    /// The output of a conv without a pool, reached through single-consumer cost-free
    /// nodes only: a pool reading it may be fused into that conv.
    pub fusable: bool,
}

impl Act {
    pub fn new(layer: usize, shape: Shape) -> Self {
        Act {
            layer,
            shape,
            view: View::Image,
            pad: [0; 4],
            fusable: false,
        }
    }

    /// `[1, C, H, W]`: the dims of the image view.
    pub fn image_dims(&self) -> [i64; 4] {
        let s = self.shape;
        [1, s.channels, s.height, s.width].map(i64::from)
    }

    /// The ONNX dims of this view (batch 1).
    pub fn dims(&self) -> Vec<i64> {
        let image = self.image_dims();
        let [_, c, h, w] = image;
        match self.view {
            View::Image => image.to_vec(),
            View::Flat => vec![1, c * h * w],
            View::Grouped(g) => vec![1, i64::from(g), c / i64::from(g), h, w],
            View::Transposed(g) => vec![1, c / i64::from(g), i64::from(g), h, w],
            View::ChannelsLast => vec![1, h, w, c],
            View::Vector => vec![c * h * w],
            View::Unbatched => vec![c, h, w],
            View::GroupNorm(g) => vec![1, i64::from(g), c * h * w / i64::from(g)],
        }
    }
}

/// The values of a small constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Int(Vec<i64>),
    Float(Vec<f64>),
    /// The integers 0, 1, …, n − 1 in order, too many to keep: an index that gathers
    /// nothing but a reshape (the dynamo exporter's `as_strided`).
    Counting,
    /// Too large, of another type, or computed by an op the importer does not evaluate.
    Unknown,
}

/// A constant tensor: an initializer, a `Constant` or `ConstantOfShape` output, or what
/// shape ops make of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Const {
    pub dims: Vec<i64>,
    pub data: Data,
}

impl Const {
    pub fn new(dims: Vec<i64>, data: Data) -> Self {
        Const { dims, data }
    }

    /// A constant whose dims alone are known.
    pub fn unknown(dims: Vec<i64>) -> Self {
        Const::new(dims, Data::Unknown)
    }

    pub fn ints(values: Vec<i64>) -> Self {
        Const::new(vec![values.len() as i64], Data::Int(values))
    }

    /// A constant of `dims` whose values `make` computes from their count, unless it
    /// has too many values to keep.
    pub fn build(dims: Vec<i64>, make: impl FnOnce(usize) -> Option<Data>) -> Self {
        let mut c = Const::unknown(dims);
        let count = c.len();
        if count <= MAX_CONST_VALUES as u64 {
            c.data = make(count as usize).unwrap_or(Data::Unknown);
        }
        c
    }

    /// Number of elements (saturating: dims of a hostile file may be enormous).
    pub fn len(&self) -> u64 {
        self.dims
            .iter()
            .fold(1u64, |n, &d| n.saturating_mul(d.max(0) as u64))
    }

    /// The values as whole numbers (floats only when whole), if known.
    pub fn int_values(&self) -> Option<Vec<i64>> {
        match &self.data {
            Data::Int(v) => Some(v.clone()),
            Data::Float(v) => v
                .iter()
                .map(|&f| (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64))
                .collect(),
            Data::Counting | Data::Unknown => None,
        }
    }

    /// True when the values are known to be 0, 1, …, n − 1 in order.
    pub fn counts(&self) -> bool {
        match &self.data {
            Data::Counting => true,
            Data::Int(v) => v.iter().enumerate().all(|(i, &x)| x == i as i64),
            Data::Float(_) | Data::Unknown => false,
        }
    }

    pub fn float_values(&self) -> Option<Vec<f64>> {
        match &self.data {
            Data::Int(v) => Some(v.iter().map(|&i| i as f64).collect()),
            Data::Float(v) => Some(v.clone()),
            Data::Counting | Data::Unknown => None,
        }
    }
}

/// What a tensor name stands for.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Act(Act),
    Const(Const),
    /// Values of a detection head, decoded by the gateway (`super::head`).
    Head(Rc<Head>),
}

/// A tensor of a detection head.
#[derive(Clone, Debug, PartialEq)]
pub struct Head {
    /// The refusal that started the head, for anything but decoding that reads it.
    pub why: Rc<ModelError>,
    /// Its dims when the importer could follow them (exports read them with `Shape`).
    pub dims: Option<Vec<i64>>,
}

/// A constant from a tensor in the file: its dims, and its values when small and of a
/// type that shapes and scales use. More than [`MAX_RANK`] dims is refused.
pub fn from_tensor(t: &TensorProto) -> Result<Const, String> {
    check_rank(t.dims.len())?;
    let c = Const::unknown(t.dims.clone());
    let count = c.len();
    let large = count > MAX_CONST_VALUES as u64;
    if large && t.data_type == data_type::INT64 && counting(t) == Some(count) {
        return Ok(Const {
            data: Data::Counting,
            ..c
        });
    }
    if large || t.data_skipped {
        return Ok(c);
    }
    let data = t
        .data
        .as_ref()
        .and_then(|(field, bytes)| decode(t.data_type, *field, bytes, count as usize));
    Ok(Const {
        data: data.unwrap_or(Data::Unknown),
        ..c
    })
}

/// `Some(n)` when an int64 tensor's raw data, kept or skipped, is 0, 1, …, n − 1.
fn counting(t: &TensorProto) -> Option<u64> {
    match &t.data {
        Some((data_field::RAW_DATA, bytes)) => {
            let mut counter = Counter::default();
            counter.feed(bytes);
            counter.finish()
        }
        Some(_) => None,
        None => t.counting,
    }
}

/// Refuses a tensor of more than [`MAX_RANK`] dims.
pub fn check_rank(rank: usize) -> Result<(), String> {
    if rank > MAX_RANK {
        return Err(format!(
            "a tensor of {rank} dims, more than the importer's limit of {MAX_RANK}"
        ));
    }
    Ok(())
}

fn decode(ty: i32, field: u32, bytes: &[u8], count: usize) -> Option<Data> {
    let data = match (ty, field) {
        (data_type::INT64, data_field::RAW_DATA) => {
            Data::Int(fixed::<8>(bytes).map(i64::from_le_bytes).collect())
        }
        (data_type::INT32, data_field::RAW_DATA) => Data::Int(
            fixed::<4>(bytes)
                .map(|b| i64::from(i32::from_le_bytes(b)))
                .collect(),
        ),
        (data_type::FLOAT, data_field::RAW_DATA | data_field::FLOAT_DATA) => Data::Float(
            fixed::<4>(bytes)
                .map(|b| f64::from(f32::from_le_bytes(b)))
                .collect(),
        ),
        (data_type::DOUBLE, data_field::RAW_DATA | data_field::DOUBLE_DATA) => {
            Data::Float(fixed::<8>(bytes).map(f64::from_le_bytes).collect())
        }
        // int32 values are written as sign-extended varints, like int64 ones.
        (data_type::INT64, data_field::INT64_DATA) | (data_type::INT32, data_field::INT32_DATA) => {
            Data::Int(varints(bytes)?)
        }
        _ => return None,
    };
    let n = match &data {
        Data::Int(v) => v.len(),
        Data::Float(v) => v.len(),
        Data::Counting | Data::Unknown => 0,
    };
    let whole = match field {
        data_field::RAW_DATA | data_field::FLOAT_DATA | data_field::DOUBLE_DATA => {
            bytes.len()
                == n * if matches!(ty, data_type::INT32 | data_type::FLOAT) {
                    4
                } else {
                    8
                }
        }
        _ => true,
    };
    (n == count && whole).then_some(data)
}

fn fixed<const N: usize>(bytes: &[u8]) -> impl Iterator<Item = [u8; N]> + '_ {
    bytes
        .chunks_exact(N)
        .map(|c| c.try_into().expect("chunks_exact gives N bytes"))
}

fn varints(mut bytes: &[u8]) -> Option<Vec<i64>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        out.push(prost::encoding::decode_varint(&mut bytes).ok()? as i64);
        if out.len() > MAX_CONST_VALUES {
            return None;
        }
    }
    Some(out)
}

/// `[a, b, c]`, clipped to 8 values: for messages about dims or attributes, which a
/// file may make huge (and cheaper in the wasm than `Debug` formatting).
pub fn list<T: std::fmt::Display>(v: &[T]) -> String {
    let mut s = String::from("[");
    for (i, x) in v.iter().take(8).enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&x.to_string());
    }
    if v.len() > 8 {
        s.push_str(", …");
    }
    s.push(']');
    s
}
