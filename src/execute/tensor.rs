//! The row window: a `H × (W·C)` tensor of which only some rows are present.
//!
//! Every read goes through [`RowStore::row`], which fails for a row that is not held,
//! so a device that computes from data it was never sent is caught instead of reading
//! zeros. Padding is not data: the kernels skip padded positions and never ask for them.
//!
//! Every buffer of tensor data the executor makes is a [`RowStore`] row or a [`Flat`],
//! and both report to the [`meter`] when they are made, copied and dropped.

use std::fmt;
use std::ops::{Deref, DerefMut};

use super::meter::{self, ELEMENT_BYTES, SLOT_BYTES};

/// A vector of tensor elements counted by the meter while it lives: flattened copies,
/// transfers, accumulators.
#[derive(Debug, PartialEq)]
pub struct Flat(Vec<f32>);

impl Flat {
    fn counted(v: Vec<f32>) -> Flat {
        let n = v.len() as u64;
        meter::alloc(n * ELEMENT_BYTES);
        meter::work(n);
        Flat(v)
    }

    /// `n` copies of `value`.
    pub fn filled(n: usize, value: f32) -> Flat {
        Flat::counted(vec![value; n])
    }

    pub fn zeros(n: usize) -> Flat {
        Flat::filled(n, 0.0)
    }

    pub fn copy(data: &[f32]) -> Flat {
        Flat::counted(data.to_vec())
    }

    /// The elements, no longer counted here (a row store that takes them counts them).
    pub fn into_vec(mut self) -> Vec<f32> {
        let v = std::mem::take(&mut self.0);
        meter::free(v.len() as u64 * ELEMENT_BYTES);
        v
    }
}

impl Clone for Flat {
    fn clone(&self) -> Self {
        Flat::copy(&self.0)
    }
}

impl Drop for Flat {
    fn drop(&mut self) {
        meter::free(self.0.len() as u64 * ELEMENT_BYTES);
    }
}

impl Deref for Flat {
    type Target = [f32];
    fn deref(&self) -> &[f32] {
        &self.0
    }
}

impl DerefMut for Flat {
    fn deref_mut(&mut self) -> &mut [f32] {
        &mut self.0
    }
}

/// A read of a row that the holder does not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// Which tensor, e.g. "input of layer 3" or "branch".
    pub tensor: String,
    pub row: u32,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {} of the {} is not held", self.row, self.tensor)
    }
}

/// Rows `0..height` of `row_len` elements each (`W·C`, channels fastest), some absent.
#[derive(Debug, PartialEq)]
pub struct RowStore {
    name: String,
    row_len: usize,
    rows: Vec<Option<Vec<f32>>>,
}

impl RowStore {
    /// A store with no rows yet.
    pub fn empty(name: impl Into<String>, height: u32, row_len: usize) -> Self {
        meter::alloc(u64::from(height) * SLOT_BYTES);
        meter::work(u64::from(height));
        RowStore {
            name: name.into(),
            row_len,
            rows: vec![None; height as usize],
        }
    }

    /// A complete store from `height · row_len` elements.
    pub fn full(name: impl Into<String>, row_len: usize, data: &[f32]) -> Self {
        let mut s = RowStore::empty(name, (data.len() / row_len.max(1)) as u32, row_len);
        for (y, chunk) in data.chunks_exact(row_len).enumerate() {
            meter::work(chunk.len() as u64);
            s.put(y as u32, chunk.to_vec());
        }
        s
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn height(&self) -> u32 {
        self.rows.len() as u32
    }

    pub fn row_len(&self) -> usize {
        self.row_len
    }

    /// Row `y`, or [`Missing`] when it is not held (or outside the tensor).
    pub fn row(&self, y: u32) -> Result<&[f32], Missing> {
        match self.rows.get(y as usize) {
            Some(Some(r)) => Ok(r),
            _ => Err(Missing {
                tensor: self.name.clone(),
                row: y,
            }),
        }
    }

    pub fn has(&self, y: u32) -> bool {
        matches!(self.rows.get(y as usize), Some(Some(_)))
    }

    /// Stores row `y` (ignored outside the tensor; callers pass rows of this tensor).
    /// Counts one unit per element: storing it (its producer counts making it).
    pub fn put(&mut self, y: u32, data: Vec<f32>) {
        debug_assert_eq!(data.len(), self.row_len);
        if let Some(slot) = self.rows.get_mut(y as usize) {
            let n = data.len() as u64;
            meter::alloc(n * ELEMENT_BYTES);
            meter::work(n);
            if let Some(old) = slot.replace(data) {
                meter::free(old.len() as u64 * ELEMENT_BYTES);
            }
        }
    }

    /// Elements held, over all rows.
    pub fn held(&self) -> u64 {
        self.rows.iter().flatten().map(|r| r.len() as u64).sum()
    }

    /// Elements `first..first + n` of the row-major flattening, read row by row.
    pub fn elements(&self, first: u64, n: u64) -> Result<Flat, Missing> {
        let mut out = Vec::with_capacity(n as usize);
        let len = self.row_len as u64;
        let mut e = first;
        while e < first + n {
            let (y, x) = (e / len, (e % len) as usize);
            let row = self.row(u32::try_from(y).unwrap_or(u32::MAX))?;
            let take = ((first + n - e) as usize).min(row.len() - x);
            out.extend_from_slice(&row[x..x + take]);
            e += take as u64;
        }
        Ok(Flat::counted(out))
    }

    /// How many of elements `first..first + n` (row-major) lie in rows that are held.
    pub fn count_held(&self, first: u64, n: u64) -> u64 {
        let len = self.row_len.max(1) as u64;
        let (a, b) = (first, first + n);
        meter::work(b.div_ceil(len) - first / len);
        (first / len..b.div_ceil(len))
            .filter(|&y| self.has(u32::try_from(y).unwrap_or(u32::MAX)))
            .map(|y| b.min((y + 1) * len) - a.max(y * len))
            .sum()
    }

    /// The whole tensor flattened, or the first missing row.
    pub fn flat(&self) -> Result<Flat, Missing> {
        self.elements(0, u64::from(self.height()) * self.row_len as u64)
    }

    /// Whether both hold the same rows with the same elements, compared in place
    /// (one unit per element).
    pub fn same_rows(&self, other: &RowStore) -> bool {
        meter::work(self.held());
        self.rows == other.rows
    }

    /// Renames the store (the same rows seen as another layer's input).
    pub fn renamed(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Bytes the meter counts for this store: its row table and its rows.
    fn bytes(&self) -> u64 {
        self.rows.len() as u64 * SLOT_BYTES + self.held() * ELEMENT_BYTES
    }
}

impl Clone for RowStore {
    fn clone(&self) -> Self {
        meter::alloc(self.bytes());
        meter::work(self.rows.len() as u64 + self.held());
        RowStore {
            name: self.name.clone(),
            row_len: self.row_len,
            rows: self.rows.clone(),
        }
    }
}

impl Drop for RowStore {
    fn drop(&mut self) {
        meter::free(self.bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::RowStore;

    #[test]
    fn absent_rows_are_errors_not_zeros() {
        let mut s = RowStore::empty("t", 3, 2);
        s.put(1, vec![1.0, 2.0]);
        assert_eq!(s.row(1).unwrap(), &[1.0, 2.0]);
        assert_eq!(s.row(0).unwrap_err().row, 0);
        assert!(s.row(3).is_err());
        assert_eq!(&*s.elements(2, 2).unwrap(), &[1.0, 2.0]);
        assert!(s.elements(1, 2).is_err());
        assert!(s.flat().is_err());
        assert!(s.has(1) && !s.has(0));
        assert_eq!(s.count_held(1, 4), 2);
        assert_eq!(s.count_held(3, 1), 1);
        assert_eq!(s.count_held(0, 2), 0);
    }

    #[test]
    fn elements_cross_rows() {
        let s = RowStore::full("t", 3, &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(&*s.elements(2, 3).unwrap(), &[2.0, 3.0, 4.0]);
        assert_eq!(s.flat().unwrap().len(), 6);
    }
}
