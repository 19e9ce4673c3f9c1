//! A pass over the protobuf wire format before prost decodes it, which bounds what the
//! decoded structs can cost. Decoding may amplify memory: a two-byte empty node becomes
//! a struct of a hundred bytes, a one-byte dim an `i64`. The scan walks the messages the
//! importer declares (see [`super::proto`]) and counts every field in them, refusing a
//! file with more than [`MAX_FIELDS`]; it also finds truncation and malformed varints
//! early, with the byte offset. It reads each byte once and allocates nothing.

use prost::encoding::{decode_varint, WireType};

/// Most protobuf fields in the messages the importer decodes. The largest fixture,
/// DenseNet-121 with 1 746 nodes, has about 25 000; so would any model within the
/// planner's 1 000 layers. Decoded, a field costs at most a few hundred bytes.
pub const MAX_FIELDS: usize = 1_000_000;

/// The message types the importer declares, for the fields holding sub-messages.
#[derive(Clone, Copy)]
enum Msg {
    Model,
    Graph,
    Node,
    Attribute,
    Tensor,
    ValueInfo,
    Type,
    TensorType,
    Shape,
    Dim,
    Other,
}

/// The declared message type of field `tag` of `msg`, if it is a message.
fn child(msg: Msg, tag: u64) -> Option<Msg> {
    use Msg::*;
    Some(match (msg, tag) {
        (Model, 7) => Graph,
        (Model, 8) => Other,
        (Graph, 1) => Node,
        (Graph, 5) => Tensor,
        (Graph, 11 | 12) => ValueInfo,
        (Node, 5) => Attribute,
        (Attribute, 5) => Tensor,
        (ValueInfo, 2) => Type,
        (Type, 1) => TensorType,
        (TensorType, 2) => Shape,
        (Shape, 1) => Dim,
        _ => return None,
    })
}

/// Packed repeated numbers the importer decodes into vectors: each counts as up to
/// one field per byte.
fn packed(msg: Msg, tag: u64) -> bool {
    matches!((msg, tag), (Msg::Attribute, 7 | 8) | (Msg::Tensor, 1))
}

/// Why the scan stopped: a message and the byte offset.
pub struct ScanError {
    pub offset: usize,
    pub message: String,
}

struct Scan<'a> {
    all: &'a [u8],
    fields: usize,
}

/// Checks `bytes` as a `ModelProto`: well-formed wire format in every declared message,
/// and at most [`MAX_FIELDS`] fields in them.
pub fn check(bytes: &[u8]) -> Result<(), ScanError> {
    let mut s = Scan {
        all: bytes,
        fields: 0,
    };
    s.message(bytes, Msg::Model)
}

impl Scan<'_> {
    fn error(&self, rest: &[u8], message: impl Into<String>) -> ScanError {
        ScanError {
            offset: self.all.len() - rest.len(),
            message: message.into(),
        }
    }

    fn message(&mut self, mut buf: &[u8], msg: Msg) -> Result<(), ScanError> {
        while !buf.is_empty() {
            let at = buf;
            let key = decode_varint(&mut buf).map_err(|_| self.error(at, "a malformed key"))?;
            let tag = key >> 3;
            if tag == 0 || key > u64::from(u32::MAX) {
                return Err(self.error(at, format!("an invalid field key {key}")));
            }
            let wire = WireType::try_from(key & 7)
                .map_err(|_| self.error(at, format!("an invalid wire type {}", key & 7)))?;
            self.fields += 1;
            let len = match wire {
                WireType::Varint => {
                    decode_varint(&mut buf).map_err(|_| self.error(at, "a malformed varint"))?;
                    0
                }
                WireType::SixtyFourBit => 8,
                WireType::ThirtyTwoBit => 4,
                WireType::LengthDelimited => {
                    decode_varint(&mut buf).map_err(|_| self.error(at, "a malformed length"))?
                }
                WireType::StartGroup | WireType::EndGroup => {
                    return Err(self.error(at, "a protobuf group, which ONNX never uses"));
                }
            };
            if len > buf.len() as u64 {
                return Err(self.error(
                    at,
                    format!(
                        "field {tag} needs {len} bytes but {} remain (the file is truncated)",
                        buf.len()
                    ),
                ));
            }
            let (body, rest) = buf.split_at(len as usize);
            if wire == WireType::LengthDelimited {
                if let Some(sub) = child(msg, tag) {
                    self.message(body, sub)?;
                } else if packed(msg, tag) {
                    self.fields += body.len();
                }
            }
            if self.fields > MAX_FIELDS {
                return Err(self.error(
                    at,
                    format!("more than {MAX_FIELDS} protobuf fields in the graph"),
                ));
            }
            buf = rest;
        }
        Ok(())
    }
}
