//! The parts of `onnx.proto` the importer reads, as prost messages written by hand
//! (field numbers from onnx.proto, IR versions 3–10). Only what the planner needs is
//! declared: prost skips every other field — docs, metadata, `value_info`, subgraphs
//! of `If`/`Loop`, sparse tensors — without allocating it.
//!
//! Weights are the reason for the hand-written [`TensorProto`]: a weight's data
//! (`raw_data`, `float_data`, …) can be hundreds of MB, and only its `dims` matter. Its
//! decoder keeps a data field only when it is small enough to be a shape, a scale or an
//! index ([`SMALL_DATA_BYTES`]) and skips it otherwise, so a 500 MB file is never held
//! in memory twice. The structs are public so that tests and tools can write ONNX files
//! with `prost::Message::encode_to_vec`.

use prost::bytes::{Buf, BufMut};
use prost::encoding::{self, DecodeContext, WireType};
use prost::DecodeError;

#[derive(Clone, PartialEq, prost::Message)]
pub struct ModelProto {
    #[prost(int64, tag = "1")]
    pub ir_version: i64,
    #[prost(message, optional, tag = "7")]
    pub graph: Option<GraphProto>,
    #[prost(message, repeated, tag = "8")]
    pub opset_import: Vec<OperatorSetIdProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct OperatorSetIdProto {
    #[prost(string, tag = "1")]
    pub domain: String,
    #[prost(int64, tag = "2")]
    pub version: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct GraphProto {
    #[prost(message, repeated, tag = "1")]
    pub node: Vec<NodeProto>,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(message, repeated, tag = "5")]
    pub initializer: Vec<TensorProto>,
    #[prost(message, repeated, tag = "11")]
    pub input: Vec<ValueInfoProto>,
    #[prost(message, repeated, tag = "12")]
    pub output: Vec<ValueInfoProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct NodeProto {
    #[prost(string, repeated, tag = "1")]
    pub input: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    pub output: Vec<String>,
    #[prost(string, tag = "3")]
    pub name: String,
    #[prost(string, tag = "4")]
    pub op_type: String,
    #[prost(message, repeated, tag = "5")]
    pub attribute: Vec<AttributeProto>,
    #[prost(string, tag = "7")]
    pub domain: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct AttributeProto {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(float, tag = "2")]
    pub f: f32,
    #[prost(int64, tag = "3")]
    pub i: i64,
    #[prost(bytes = "vec", tag = "4")]
    pub s: Vec<u8>,
    #[prost(message, optional, tag = "5")]
    pub t: Option<TensorProto>,
    #[prost(float, repeated, packed = "false", tag = "7")]
    pub floats: Vec<f32>,
    #[prost(int64, repeated, packed = "false", tag = "8")]
    pub ints: Vec<i64>,
    /// `AttributeType`: 1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS, ….
    #[prost(int32, tag = "20")]
    pub r#type: i32,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ValueInfoProto {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(message, optional, tag = "2")]
    pub r#type: Option<TypeProto>,
}

/// `TypeProto`; only its `tensor_type` member of the `value` oneof is read.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TypeProto {
    #[prost(message, optional, tag = "1")]
    pub tensor_type: Option<TensorTypeProto>,
}

/// `TypeProto.Tensor`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorTypeProto {
    #[prost(int32, tag = "1")]
    pub elem_type: i32,
    #[prost(message, optional, tag = "2")]
    pub shape: Option<TensorShapeProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorShapeProto {
    #[prost(message, repeated, tag = "1")]
    pub dim: Vec<Dimension>,
}

/// `TensorShapeProto.Dimension`: a value, a symbol, or neither (unknown).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Dimension {
    #[prost(int64, optional, tag = "1")]
    pub dim_value: Option<i64>,
    #[prost(string, optional, tag = "2")]
    pub dim_param: Option<String>,
}

/// A data field longer than this is skipped, not stored: shapes, scales, pads and
/// indices are a few dozen bytes, weights are kilobytes to gigabytes.
pub const SMALL_DATA_BYTES: usize = 4096;

/// `TensorProto.DataType` values the importer reads the data of.
pub mod data_type {
    pub const FLOAT: i32 = 1;
    pub const INT32: i32 = 6;
    pub const INT64: i32 = 7;
    pub const DOUBLE: i32 = 11;
}

/// Field numbers of `TensorProto`'s data fields.
pub mod data_field {
    pub const FLOAT_DATA: u32 = 4;
    pub const INT32_DATA: u32 = 5;
    pub const INT64_DATA: u32 = 7;
    pub const RAW_DATA: u32 = 9;
    pub const DOUBLE_DATA: u32 = 10;
}

/// `TensorProto`: its dims, type and name, and its data only when small.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TensorProto {
    pub dims: Vec<i64>,
    pub data_type: i32,
    pub name: String,
    /// The one data field (its number in [`data_field`] and its bytes as written:
    /// packed varints, packed fixed-width values or raw little-endian), when it has at
    /// most [`SMALL_DATA_BYTES`] bytes and is the only one.
    pub data: Option<(u32, Vec<u8>)>,
    /// True when a data field was skipped (too large, unpacked, or a second one).
    pub data_skipped: bool,
    /// `Some(n)` when the one data field was skipped `raw_data` whose 8-byte
    /// little-endian words are 0, 1, …, n − 1: the index tensor of the dynamo exporter's
    /// `as_strided`, which is the identity only if its values are known to count.
    pub counting: Option<u64>,
    /// 1 when the data is in an external file (never read: only dims matter).
    pub data_location: i32,
}

const DATA_FIELDS: [u32; 5] = [
    data_field::FLOAT_DATA,
    data_field::INT32_DATA,
    data_field::INT64_DATA,
    data_field::RAW_DATA,
    data_field::DOUBLE_DATA,
];

impl prost::Message for TensorProto {
    fn encode_raw(&self, buf: &mut impl BufMut) {
        encoding::int64::encode_packed(1, &self.dims, buf);
        if self.data_type != 0 {
            encoding::int32::encode(2, &self.data_type, buf);
        }
        if !self.name.is_empty() {
            encoding::string::encode(8, &self.name, buf);
        }
        if let Some((tag, bytes)) = &self.data {
            encoding::bytes::encode(*tag, bytes, buf);
        }
        if self.data_location != 0 {
            encoding::int32::encode(14, &self.data_location, buf);
        }
    }

    fn merge_field(
        &mut self,
        tag: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        match tag {
            1 => encoding::int64::merge_repeated(wire_type, &mut self.dims, buf, ctx),
            2 => encoding::int32::merge(wire_type, &mut self.data_type, buf, ctx),
            8 => encoding::string::merge(wire_type, &mut self.name, buf, ctx),
            14 => encoding::int32::merge(wire_type, &mut self.data_location, buf, ctx),
            t if DATA_FIELDS.contains(&t) => {
                if wire_type == WireType::LengthDelimited && self.data.is_none() {
                    // Peek at the length without consuming: a small field is kept.
                    let len = encoding::decode_varint(&mut buf.chunk())?;
                    if len <= SMALL_DATA_BYTES as u64 && !self.data_skipped {
                        let mut bytes = Vec::new();
                        encoding::bytes::merge(wire_type, &mut bytes, buf, ctx)?;
                        self.data = Some((t, bytes));
                        return Ok(());
                    }
                }
                let first = !self.data_skipped && self.data.is_none();
                self.data = None;
                self.data_skipped = true;
                self.counting = None;
                if first && t == data_field::RAW_DATA && wire_type == WireType::LengthDelimited {
                    return skip_counting(tag, buf, ctx).map(|n| self.counting = n);
                }
                encoding::skip_field(wire_type, tag, buf, ctx)
            }
            _ => encoding::skip_field(wire_type, tag, buf, ctx),
        }
    }

    fn encoded_len(&self) -> usize {
        let mut len = encoding::int64::encoded_len_packed(1, &self.dims);
        if self.data_type != 0 {
            len += encoding::int32::encoded_len(2, &self.data_type);
        }
        if !self.name.is_empty() {
            len += encoding::string::encoded_len(8, &self.name);
        }
        if let Some((tag, bytes)) = &self.data {
            len += encoding::bytes::encoded_len(*tag, bytes);
        }
        if self.data_location != 0 {
            len += encoding::int32::encoded_len(14, &self.data_location);
        }
        len
    }

    fn clear(&mut self) {
        *self = TensorProto::default();
    }
}

/// Skips a length-delimited field, reading it once without copying: `Some(n)` when its
/// bytes are the words 0, 1, …, n − 1 ([`Counter`]).
fn skip_counting(
    tag: u32,
    buf: &mut impl Buf,
    ctx: DecodeContext,
) -> Result<Option<u64>, DecodeError> {
    let len = encoding::decode_varint(&mut buf.chunk())?;
    let fits = encoding::encoded_len_varint(len) as u64 + len <= buf.remaining() as u64;
    if !fits {
        // Truncated: prost's own skip reports it.
        return encoding::skip_field(WireType::LengthDelimited, tag, buf, ctx).map(|()| None);
    }
    encoding::decode_varint(buf)?;
    let mut left = len as usize;
    let mut counter = Counter::default();
    while left > 0 {
        let take = buf.chunk().len().min(left);
        counter.feed(&buf.chunk()[..take]);
        buf.advance(take);
        left -= take;
    }
    Ok(counter.finish())
}

/// Whether bytes fed in pieces are the little-endian `u64` words 0, 1, …, n − 1. It
/// stops comparing at the first other word, so a float weight costs a word or two.
#[derive(Default)]
pub struct Counter {
    word: [u8; 8],
    filled: usize,
    next: u64,
    failed: bool,
}

impl Counter {
    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.failed {
                return;
            }
            self.word[self.filled] = b;
            self.filled += 1;
            if self.filled == 8 {
                self.failed = u64::from_le_bytes(self.word) != self.next;
                self.next += 1;
                self.filled = 0;
            }
        }
    }

    /// `Some(n)` when every byte fed made the words 0, 1, …, n − 1.
    pub fn finish(&self) -> Option<u64> {
        (!self.failed && self.filled == 0).then_some(self.next)
    }
}
