//! Grids and halos (spec §2): equal splits, and the back-propagation of a row range
//! through a pool and a conv. Rows are 0-based and inclusive, as in the spec.

use serde::{Serialize, Serializer};

use crate::model::{Conv, Pool};

/// A non-empty inclusive range of rows (or of neurons, for FLs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rows {
    pub first: u32,
    pub last: u32,
}

impl Rows {
    pub fn new(first: u32, last: u32) -> Self {
        debug_assert!(first <= last);
        Rows { first, last }
    }

    pub fn len(&self) -> u64 {
        u64::from(self.last - self.first) + 1
    }

    /// Always false: an empty range is `None`. Present for the `len` convention.
    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn contains(&self, row: u32) -> bool {
        self.first <= row && row <= self.last
    }
}

/// Serialises as `[first, last]`.
impl Serialize for Rows {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        [self.first, self.last].serialize(s)
    }
}

/// Length of an optional range (0 for `None`).
pub fn len(rows: Option<Rows>) -> u64 {
    rows.map_or(0, |r| r.len())
}

/// Device `d`'s share (0-based) when `n` items are split over `k` devices: the first
/// `n mod k` devices get `⌈n/k⌉` contiguous items, the rest `⌊n/k⌋`, from the top.
/// `None` when the device gets nothing (it is idle).
pub fn equal_split(n: u32, k: u32, d: u32) -> Option<Rows> {
    EqualSplit::new(n, k).share(d)
}

/// An equal split with its division done once, for loops over the devices.
#[derive(Clone, Copy, Debug)]
pub struct EqualSplit {
    base: u32,
    extra: u32,
    n: u32,
}

impl EqualSplit {
    pub fn new(n: u32, k: u32) -> Self {
        EqualSplit {
            base: n / k,
            extra: n % k,
            n,
        }
    }

    /// The device whose share holds `row`, or `None` past the last row.
    pub fn owner(self, row: u32) -> Option<u32> {
        if row >= self.n {
            return None;
        }
        let tall = u64::from(self.extra) * (u64::from(self.base) + 1);
        Some(if u64::from(row) < tall {
            row / (self.base + 1)
        } else {
            self.extra + (row - tall as u32) / self.base
        })
    }

    /// See [`equal_split`].
    pub fn share(self, d: u32) -> Option<Rows> {
        let size = self.base + u32::from(d < self.extra);
        if size == 0 {
            return None;
        }
        let first = d * self.base + d.min(self.extra);
        Some(Rows::new(first, first + size - 1))
    }
}

/// The conv-output rows needed to produce pooled rows `rows` (`hc` conv-output rows).
pub fn back_through_pool(rows: Rows, pool: Pool, hc: u32) -> Rows {
    let first = rows.first * pool.stride;
    let last = (u64::from(rows.last) * u64::from(pool.stride) + u64::from(pool.size) - 1)
        .min(u64::from(hc) - 1) as u32;
    Rows::new(first, last)
}

/// The input rows (of `h` real rows) needed to produce conv-output rows `rows`;
/// padding rows are clipped, never transmitted or computed.
pub fn back_through_conv(rows: Rows, conv: Conv, h: u32) -> Rows {
    let s = i64::from(conv.stride);
    let p = i64::from(conv.padding);
    let first = (i64::from(rows.first) * s - p).max(0);
    let last = (i64::from(rows.last) * s - p + i64::from(conv.kernel) - 1).min(i64::from(h) - 1);
    Rows::new(first as u32, last as u32)
}

/// The conv-output rows a conv layer computes to hand on `rows` of its output.
pub fn conv_rows_for_output(rows: Rows, conv: Conv, hc: u32) -> Rows {
    match conv.pool {
        Some(pool) => back_through_pool(rows, pool, hc),
        None => rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_inverts_share() {
        for n in 1..40 {
            for k in 1..12 {
                let split = EqualSplit::new(n, k);
                for d in 0..k {
                    if let Some(r) = split.share(d) {
                        for row in r.first..=r.last {
                            assert_eq!(split.owner(row), Some(d), "n {n} k {k} row {row}");
                        }
                    }
                }
                assert_eq!(split.owner(n), None);
            }
        }
    }
}
