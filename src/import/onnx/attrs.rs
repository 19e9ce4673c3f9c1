//! A node's attributes by name, checked into the planner's sizes with one-line errors
//! that name the attribute.

use super::proto::{AttributeProto, TensorProto};
use crate::model::limits::MAX_SIZE;

pub struct Attrs<'a>(pub &'a [AttributeProto]);

impl<'a> Attrs<'a> {
    fn get(&self, name: &str) -> Option<&'a AttributeProto> {
        self.0.iter().find(|a| a.name == name)
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).map(|a| a.i)
    }

    pub fn int_or(&self, name: &str, default: i64) -> i64 {
        self.int(name).unwrap_or(default)
    }

    pub fn float(&self, name: &str) -> Option<f32> {
        self.get(name).map(|a| a.f)
    }

    pub fn ints(&self, name: &str) -> Option<&'a [i64]> {
        self.get(name).map(|a| a.ints.as_slice())
    }

    pub fn floats(&self, name: &str) -> Option<&'a [f32]> {
        self.get(name).map(|a| a.floats.as_slice())
    }

    /// A string attribute (lossy UTF-8: only compared with known values).
    pub fn string(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(|a| String::from_utf8_lossy(&a.s).into_owned())
    }

    pub fn tensor(&self, name: &str) -> Option<&'a TensorProto> {
        self.get(name).and_then(|a| a.t.as_ref())
    }

    /// `name` as exactly `n` sizes from `min` to the planner's limit, or `default`.
    pub fn sizes(&self, name: &str, n: usize, min: i64, default: i64) -> Result<Vec<u32>, String> {
        match self.ints(name) {
            None => Ok(vec![default as u32; n]),
            Some(v) => sizes(name, v, n, min),
        }
    }
}

/// `values` as exactly `n` sizes from `min` to the planner's limit.
pub fn sizes(what: &str, values: &[i64], n: usize, min: i64) -> Result<Vec<u32>, String> {
    if values.len() != n {
        return Err(format!("{what} has {} values, expected {n}", values.len()));
    }
    values.iter().map(|&v| size(what, v, min)).collect()
}

/// One size from `min` to the planner's limit.
pub fn size(what: &str, v: i64, min: i64) -> Result<u32, String> {
    if v < min || v > i64::from(MAX_SIZE) {
        return Err(format!(
            "{what} is {v}, expected a whole number from {min} to {MAX_SIZE}"
        ));
    }
    Ok(v as u32)
}
