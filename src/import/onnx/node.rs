//! One node being read: its resolved inputs, its attributes, and errors placed at it.

use std::rc::Rc;

use super::attrs::Attrs;
use super::graph::named;
use super::proto::NodeProto;
use super::value::{list, Act, Const, Value, View};
use crate::import::origins::Origin;
use crate::model::ModelError;

pub struct Node<'a> {
    pub proto: &'a NodeProto,
    pub origin: Origin,
    /// The value of each input; `None` for an omitted optional input (`""`).
    pub inputs: Vec<Option<Rc<Value>>>,
    pub attrs: Attrs<'a>,
}

impl<'a> Node<'a> {
    pub fn new(proto: &'a NodeProto, origin: Origin, inputs: Vec<Option<Rc<Value>>>) -> Self {
        Node {
            proto,
            origin,
            inputs,
            attrs: Attrs(&proto.attribute),
        }
    }

    pub fn op(&self) -> &str {
        &self.proto.op_type
    }

    pub fn err(&self, message: impl std::fmt::Display) -> ModelError {
        self.origin.error(message)
    }

    /// The name of input `k`, for messages.
    fn input_name(&self, k: usize) -> String {
        named(
            &format!("input {}", k + 1),
            self.proto.input.get(k).map_or("", String::as_str),
        )
    }

    pub fn input(&self, k: usize) -> Option<&Value> {
        self.inputs.get(k).and_then(Option::as_deref)
    }

    /// Input `k` as a tensor the planner computes.
    pub fn act(&self, k: usize) -> Result<Act, ModelError> {
        match self.input(k) {
            Some(Value::Act(a)) => Ok(*a),
            Some(Value::Head(h)) => Err((*h.why).clone()),
            Some(Value::Const(_)) => Err(self.err(format!(
                "{} is a constant, expected a tensor computed from the model input",
                self.input_name(k)
            ))),
            None => Err(self.err(format!("{} is missing", self.input_name(k)))),
        }
    }

    /// Input `k` as a `[1, C, H, W]` tensor with no pending `Pad`.
    pub fn image(&self, k: usize) -> Result<Act, ModelError> {
        let a = self.act(k)?;
        self.check_image(&a, k)?;
        if a.pad != [0; 4] {
            return Err(self.err(format!(
                "{} comes from a Pad, which only a Conv or a pool can fold",
                self.input_name(k)
            )));
        }
        Ok(a)
    }

    /// Refuses a view other than `[1, C, H, W]` (pending padding allowed).
    pub fn check_image(&self, a: &Act, k: usize) -> Result<(), ModelError> {
        if a.view != View::Image {
            return Err(self.err(format!(
                "{} has dims {}, expected [1, C, H, W]",
                self.input_name(k),
                list(&a.dims())
            )));
        }
        Ok(())
    }

    /// Input `k` as a constant (an initializer, `Constant` or `ConstantOfShape`).
    pub fn konst(&self, k: usize) -> Result<&Const, ModelError> {
        match self.input(k) {
            Some(Value::Const(c)) => Ok(c),
            Some(Value::Head(h)) => Err((*h.why).clone()),
            Some(Value::Act(_)) => Err(self.err(format!(
                "{} is computed from the model input, expected a constant (an initializer or \
                 a Constant node)",
                self.input_name(k)
            ))),
            None => Err(self.err(format!("{} is missing", self.input_name(k)))),
        }
    }

    /// Input `k`'s values as whole numbers, when the input is given.
    pub fn int_input(&self, k: usize) -> Result<Option<Vec<i64>>, ModelError> {
        if self.input(k).is_none() {
            return Ok(None);
        }
        self.konst(k)?
            .int_values()
            .map(Some)
            .ok_or_else(|| self.unknown(k))
    }

    /// The attribute `name` (older opsets) or else input `k`'s values (newer ones),
    /// when either is given.
    pub fn ints_or_input(&self, name: &str, k: usize) -> Result<Option<Vec<i64>>, ModelError> {
        match self.attrs.ints(name) {
            Some(v) => Ok(Some(v.to_vec())),
            None => self.int_input(k),
        }
    }

    /// Refuses a computed tensor among inputs `ks` (weights, biases, statistics).
    pub fn constants(&self, ks: std::ops::Range<usize>) -> Result<(), ModelError> {
        for k in ks {
            if matches!(self.input(k), Some(Value::Act(_))) {
                self.konst(k)?;
            }
        }
        Ok(())
    }

    /// Input `k`'s values as numbers, when the input is given.
    pub fn float_input(&self, k: usize) -> Result<Option<Vec<f64>>, ModelError> {
        if self.input(k).is_none() {
            return Ok(None);
        }
        self.konst(k)?
            .float_values()
            .map(Some)
            .ok_or_else(|| self.unknown(k))
    }

    fn unknown(&self, k: usize) -> ModelError {
        self.err(format!(
            "the values of {} are needed but unknown (the importer reads int64, int32, float \
             and double constants of at most 64 values)",
            self.input_name(k)
        ))
    }

    /// A size from an attribute or input value, with the error at this node.
    pub fn size(&self, what: &str, v: i64, min: i64) -> Result<u32, ModelError> {
        super::attrs::size(what, v, min).map_err(|m| self.err(m))
    }
}
