//! Pools by sliding window (standalone, and a chain conv's fused max-pool), so a wide window costs no more per output than a
//! narrow one. Separable per axis: each input row a window reads is first reduced along
//! its columns (max: a monotone deque; average: differences of running sums), once per
//! call whatever the number of output rows that read it; then each output row combines
//! the reduced rows of its window, top to bottom.
//!
//! Every device and the unsliced pass compute an output row by the same operations in
//! the same order (a row is reduced over its whole width, running sums start at column
//! 0), so sliced == whole bit for bit. Max ignores padding; average divides the sum of
//! the real elements by their count (PyTorch's `count_include_pad=False`), summed in f64.

use super::budget::kernels::Cost;
use super::meter::{self, ELEMENT_BYTES};
use super::rounds::kernels::{clipped, real_taps};
use super::tensor::{Missing, RowStore};
use crate::model::{Axis, PoolMode, Shape};
use crate::slicing::Rows;

/// The real input columns `first..=last` each output column's window reads (pools have
/// no dilation, so a window's real positions are contiguous and never empty).
fn windows(axis: Axis, outputs: u32, n: u32) -> Vec<(usize, usize)> {
    (0..outputs)
        .map(|x| {
            let t = real_taps(axis, x, n);
            let start = i64::from(x) * i64::from(axis.stride) - i64::from(axis.pad_before);
            let first = (start + i64::from(t.start)) as usize;
            (first, first + t.len() - 1)
        })
        .collect()
}

/// Work of reducing one input row along its columns: per channel each input element
/// entered and left once (a deque push and pop, or a running sum), and each output
/// column read.
fn reduce_work(input: Shape, output: Shape) -> u64 {
    let c = u64::from(input.channels);
    c * (2 * u64::from(input.width) + u64::from(output.width))
}

/// Work of combining `row_taps` reduced rows into one output row, and finishing it.
fn combine_work(output: Shape, row_taps: u64) -> u64 {
    let row = u64::from(output.width) * u64::from(output.channels);
    row.saturating_mul(row_taps.saturating_add(2))
}

/// What [`slide`] costs for `n` output rows (of `out`) whose windows read `reduced`
/// rows of the input (of `inp`), each combining at most `row_taps`: the store, each
/// reduced row once (f64: two elements' bytes), then each output row.
pub(crate) fn slide_cost(inp: Shape, out: Shape, reduced: u64, row_taps: u64, n: u64) -> Cost {
    let row = u64::from(out.width) * u64::from(out.channels);
    let mut cost = Cost::default();
    cost.store(out.height);
    cost.work(reduced.saturating_mul(reduce_work(inp, out)));
    let bytes = reduced
        .saturating_mul(2 * ELEMENT_BYTES)
        .saturating_mul(row);
    cost.bytes = cost.bytes.saturating_add(bytes);
    cost.work(n.saturating_mul(combine_work(out, row_taps)));
    cost.elements(n.saturating_mul(row));
    cost
}

/// One input row reduced along its columns: `[x][c]` per output column `x`.
fn reduce(src: &[f32], cols: &[(usize, usize)], c: usize, mode: PoolMode) -> Vec<f64> {
    let mut out = vec![0f64; cols.len() * c];
    match mode {
        PoolMode::Max => {
            let mut queue: Vec<usize> = Vec::new();
            for ch in 0..c {
                let at = |i: usize| src[i * c + ch];
                queue.clear();
                let (mut head, mut next) = (0, 0);
                for (x, &(first, last)) in cols.iter().enumerate() {
                    while next <= last {
                        while queue.len() > head && at(queue[queue.len() - 1]) <= at(next) {
                            queue.pop();
                        }
                        queue.push(next);
                        next += 1;
                    }
                    while queue[head] < first {
                        head += 1;
                    }
                    out[x * c + ch] = f64::from(at(queue[head]));
                }
            }
        }
        PoolMode::Avg => {
            // running[i] = Σ of columns 0..i, per channel.
            let width = src.len() / c.max(1);
            let mut running = vec![0f64; (width + 1) * c];
            for i in 0..width {
                for ch in 0..c {
                    running[(i + 1) * c + ch] = running[i * c + ch] + f64::from(src[i * c + ch]);
                }
            }
            for (x, &(first, last)) in cols.iter().enumerate() {
                for ch in 0..c {
                    out[x * c + ch] = running[(last + 1) * c + ch] - running[first * c + ch];
                }
            }
        }
    }
    out
}

/// The rows reduced so far in one call, counted by the meter while they live.
struct Reduced {
    first: u32,
    rows: Vec<Option<Vec<f64>>>,
    bytes: u64,
}

impl Reduced {
    fn get(
        &mut self,
        y: u32,
        input: &RowStore,
        cols: &[(usize, usize)],
        c: usize,
        mode: PoolMode,
        work: u64,
    ) -> Result<&[f64], Missing> {
        let slot = &mut self.rows[(y - self.first) as usize];
        if slot.is_none() {
            let line = reduce(input.row(y)?, cols, c, mode);
            let bytes = line.len() as u64 * 2 * ELEMENT_BYTES;
            meter::alloc(bytes);
            meter::work(work);
            self.bytes += bytes;
            *slot = Some(line);
        }
        Ok(slot.as_deref().unwrap_or_default())
    }
}

impl Drop for Reduced {
    fn drop(&mut self) {
        meter::free(self.bytes);
    }
}

/// A pool's window along each axis, and what it takes.
pub struct Window {
    pub rows: Axis,
    pub cols: Axis,
    pub mode: PoolMode,
}

/// Output rows `rows` (of `out`) of the window `w` slid over `input` (of `inp`).
pub fn slide(
    input: &RowStore,
    inp: Shape,
    out: Shape,
    w: Window,
    rows: Rows,
    name: String,
) -> Result<RowStore, Missing> {
    let (ra, mode) = (w.rows, w.mode);
    let c = out.channels as usize;
    let mut store = RowStore::empty(name, out.height, out.width as usize * c);
    let range = clipped(rows, out.height);
    if range.is_empty() {
        return Ok(store);
    }
    let cols = windows(w.cols, out.width, inp.width);
    let (lo, hi) = ra.back(*range.start(), *range.end(), inp.height);
    let mut reduced = Reduced {
        first: lo,
        rows: vec![None; (hi - lo + 1) as usize],
        bytes: 0,
    };
    let work = reduce_work(inp, out);
    for y in range {
        let taps = real_taps(ra, y, inp.height);
        let start = i64::from(y) * i64::from(ra.stride) - i64::from(ra.pad_before);
        let first = (start + i64::from(taps.start)) as u32;
        meter::work(combine_work(out, taps.len() as u64));
        let mut acc = reduced.get(first, input, &cols, c, mode, work)?.to_vec();
        for yi in first + 1..first + taps.len() as u32 {
            let line = reduced.get(yi, input, &cols, c, mode, work)?;
            match mode {
                PoolMode::Max => acc.iter_mut().zip(line).for_each(|(a, &v)| *a = a.max(v)),
                PoolMode::Avg => acc.iter_mut().zip(line).for_each(|(a, &v)| *a += v),
            }
        }
        let row = match mode {
            PoolMode::Max => acc.iter().map(|&v| v as f32).collect(),
            PoolMode::Avg => acc
                .chunks_exact(c)
                .zip(&cols)
                .flat_map(|(px, &(a, b))| {
                    let count = (taps.len() * (b + 1 - a)) as f64;
                    px.iter().map(move |&v| (v / count) as f32)
                })
                .collect(),
        };
        store.put(y, row);
    }
    Ok(store)
}
