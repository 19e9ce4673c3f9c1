//! A JSON value with its path (`$.config.layers[3].config.kernel_size`), and typed
//! reads whose errors say where, what was found and what was expected.

use serde_json::Value;

use crate::import::preview;
use crate::model::limits::MAX_SIZE;
use crate::model::ModelError;

#[derive(Clone)]
pub struct Node<'a> {
    pub value: &'a Value,
    pub path: String,
}

impl<'a> Node<'a> {
    pub fn root(value: &'a Value) -> Self {
        Node {
            value,
            path: "$".into(),
        }
    }

    pub fn error(&self, message: impl Into<String>) -> ModelError {
        ModelError::at(self.path.clone(), message)
    }

    /// `found X, expected Y` at this node.
    pub fn expected(&self, what: &str) -> ModelError {
        self.error(format!("found {}, expected {what}", describe(self.value)))
    }

    /// The member `key`, or `None` when absent or `null` (Keras writes `null` for defaults).
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        match self.value.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => Some(Node {
                value,
                path: format!("{}.{key}", self.path),
            }),
        }
    }

    /// The member `key`, which must be present.
    pub fn field(&self, key: &str) -> Result<Node<'a>, ModelError> {
        if !self.value.is_object() {
            return Err(self.expected("an object"));
        }
        self.get(key)
            .ok_or_else(|| self.error(format!("found no '{key}', expected one")))
    }

    pub fn str(&self) -> Result<&'a str, ModelError> {
        self.value.as_str().ok_or_else(|| self.expected("a string"))
    }

    /// The elements of an array, each with its path. A tuple written as
    /// `{"class_name": "__tuple__", "items": […]}` (Keras' SavedModel metadata) counts
    /// as its items.
    pub fn items(&self) -> Result<Vec<Node<'a>>, ModelError> {
        let (items, path) = match self.tuple_items() {
            Some(items) => (items, format!("{}.items", self.path)),
            None => (
                self.value
                    .as_array()
                    .ok_or_else(|| self.expected("an array"))?,
                self.path.clone(),
            ),
        };
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, value)| Node {
                value,
                path: format!("{path}[{i}]"),
            })
            .collect())
    }

    fn tuple_items(&self) -> Option<&'a Vec<Value>> {
        match self.value.get("class_name")?.as_str()? {
            "__tuple__" | "TensorShape" => self.value.get("items")?.as_array(),
            _ => None,
        }
    }

    /// True for an array (or a tuple object).
    pub fn is_list(&self) -> bool {
        self.value.is_array() || self.tuple_items().is_some()
    }

    /// A size written as `n` or a pair `[h, w]` (kernel sizes, strides, pools).
    pub fn pair(&self, min: u32) -> Result<(u32, u32), ModelError> {
        if !self.is_list() {
            let n = self.size(min)?;
            return Ok((n, n));
        }
        match self.items()?.as_slice() {
            [h, w] => Ok((h.size(min)?, w.size(min)?)),
            _ => Err(self.expected("a number or a pair [h, w]")),
        }
    }

    /// A whole number in `min..=MAX_SIZE` (an integral float such as `3.0` is accepted).
    pub fn size(&self, min: u32) -> Result<u32, ModelError> {
        let whole = match self.value {
            Value::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 1e18)
                    .map(|f| f as i64)
            }),
            _ => None,
        };
        match whole {
            Some(v) if v >= i64::from(min) && v <= i64::from(MAX_SIZE) => Ok(v as u32),
            _ => Err(self.expected(&format!("a whole number from {min} to {MAX_SIZE}"))),
        }
    }
}

/// A short description of a value for messages: its JSON text, clipped, and its type.
pub fn describe(value: &Value) -> String {
    let kind = match value {
        Value::Null => return "null".into(),
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    let text = match value {
        Value::Array(_) | Value::Object(_) => serde_json::to_string(value).unwrap_or_default(),
        _ => value.to_string(),
    };
    format!("{} ({kind})", preview(&text))
}
