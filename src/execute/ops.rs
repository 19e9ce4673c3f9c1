//! The f32 kernels, shared by the reference pass and the devices so that the same
//! output element is always summed in the same order. Kernels read their input only
//! through [`RowStore::row`]; padded positions are skipped, never read.

use super::meter;
use super::pool::{slide, Window};
use super::tensor::{Flat, Missing, RowStore};
use super::weights::LayerWeights;
use crate::model::{Axis, Pool, PoolMode, Shape};
use crate::slicing::Rows;

fn relu(v: &mut [f32], on: bool) {
    if on {
        meter::work(v.len() as u64);
        v.iter_mut().for_each(|x| *x = x.max(0.0));
    }
}

/// Output rows `rows` of a layer from its conv-output rows: max-pooled (a sliding
/// window, `pool.rs`), or copied.
pub fn output_rows(
    conv_out: &RowStore,
    out: Shape,
    conv_shape: Shape,
    pool: Option<Pool>,
    rows: Rows,
    name: String,
) -> Result<RowStore, Missing> {
    if let Some(p) = pool {
        let axis = Axis::plain(p.size, p.stride, 0);
        let window = Window {
            rows: axis,
            cols: axis,
            mode: PoolMode::Max,
        };
        return slide(conv_out, conv_shape, out, window, rows, name);
    }
    let co = out.channels as usize;
    let mut store = RowStore::empty(name, out.height, out.width as usize * co);
    for y in rows.first..=rows.last.min(out.height.saturating_sub(1)) {
        store.put(y, Flat::copy(conv_out.row(y)?).into_vec());
    }
    Ok(store)
}

/// Branch row `y` of a passthrough: the 1×1 conv (then ReLU) of the source's
/// conv-output rows `y·r .. y·r + r − 1`, reorganised space-to-depth so that output
/// channel `(dy·r + dx)·f + o` of pixel `x` comes from conv pixel `(y·r + dy, x·r + dx)`.
pub fn branch_row(
    conv_out: &RowStore,
    source_channels: usize,
    lw: &LayerWeights,
    reorg: u32,
    shape: Shape,
    y: u32,
) -> Result<Vec<f32>, Missing> {
    let (r, f, cs) = (reorg as usize, lw.b.len(), source_channels);
    let c = shape.channels as usize;
    let mut row = Flat::zeros(shape.width as usize * c);
    // Per source pixel: `cs·f` multiply-adds (and a unit per channel's loop), then `f`
    // biases and ReLUs.
    meter::work((r * r * shape.width as usize * (cs * (f + 1) + 2 * f)) as u64);
    for dy in 0..r {
        let src = conv_out.row(y * reorg + dy as u32)?;
        for (x, px_out) in row.chunks_exact_mut(c).enumerate() {
            for dx in 0..r {
                let xi = x * r + dx;
                let acc = &mut px_out[(dy * r + dx) * f..(dy * r + dx + 1) * f];
                for (ch, &v) in src[xi * cs..(xi + 1) * cs].iter().enumerate() {
                    for (a, &wv) in acc.iter_mut().zip(&lw.w[ch * f..(ch + 1) * f]) {
                        *a += wv * v;
                    }
                }
                for (a, &b) in acc.iter_mut().zip(&lw.b) {
                    *a = (*a + b).max(0.0);
                }
            }
        }
    }
    Ok(row.into_vec())
}

/// Rows `rows` of the channel concatenation `[main, skip]` of two `width`-wide tensors.
pub fn concat_rows(
    main: &RowStore,
    skip: &RowStore,
    width: u32,
    rows: Rows,
    name: String,
) -> Result<RowStore, Missing> {
    let w = width as usize;
    let (cm, cs) = (main.row_len() / w, skip.row_len() / w);
    let mut store = RowStore::empty(name, main.height(), w * (cm + cs));
    for y in rows.first..=rows.last {
        let (a, b) = (main.row(y)?, skip.row(y)?);
        let mut row = Vec::with_capacity(w * (cm + cs));
        for x in 0..w {
            row.extend_from_slice(&a[x * cm..(x + 1) * cm]);
            row.extend_from_slice(&b[x * cs..(x + 1) * cs]);
        }
        meter::work((row.len() + 2 * w) as u64);
        store.put(y, row);
    }
    Ok(store)
}

/// `Σ_i w[i][o]·x[i]` over the inputs `first .. first + x.len()`, for outputs
/// `outputs` (all `No` outputs when data-parallel), in increasing `i`; no bias.
pub fn fc_sum(lw: &LayerWeights, first: usize, x: &[f32], outputs: Rows) -> Flat {
    let no = lw.b.len();
    let (lo, hi) = (outputs.first as usize, outputs.last as usize + 1);
    let mut acc = Flat::zeros(hi - lo);
    meter::work((x.len() * (hi - lo + 1)) as u64);
    for (i, &v) in x.iter().enumerate() {
        let row = &lw.w[(first + i) * no + lo..(first + i) * no + hi];
        for (a, &wv) in acc.iter_mut().zip(row) {
            *a += wv * v;
        }
    }
    acc
}

/// Adds the bias of outputs `outputs` and applies ReLU when `act`.
pub fn fc_finish(mut sum: Flat, lw: &LayerWeights, outputs: Rows, act: bool) -> Flat {
    let bias = &lw.b[outputs.first as usize..=outputs.last as usize];
    meter::work(sum.len() as u64);
    for (a, &b) in sum.iter_mut().zip(bias) {
        *a += b;
    }
    relu(&mut sum, act);
    sum
}

/// `Σ_i |w[i][o]·x[i]| + |b[o]|` for every output: the scale of the rounding error of
/// any summation order of that dot product.
pub fn fc_magnitude(lw: &LayerWeights, x: &[f32]) -> Vec<f64> {
    let no = lw.b.len();
    meter::work(((x.len() + 1) * (no + 1)) as u64);
    let mut acc: Vec<f64> = lw.b.iter().map(|b| f64::from(b.abs())).collect();
    for (i, &v) in x.iter().enumerate() {
        for (a, &wv) in acc.iter_mut().zip(&lw.w[i * no..(i + 1) * no]) {
            *a += f64::from((wv * v).abs());
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooling_takes_the_maximum_of_each_window() {
        let conv = RowStore::full("c", 3, &[1., 9., 2., 3., 4., 5., 6., 0., 7.]);
        let pool = Pool { size: 2, stride: 1 };
        let out = output_rows(
            &conv,
            Shape::new(2, 2, 1),
            Shape::new(3, 3, 1),
            Some(pool),
            Rows::new(0, 1),
            "o".into(),
        )
        .unwrap();
        assert_eq!(out.row(0).unwrap(), &[9., 9.]);
        assert_eq!(out.row(1).unwrap(), &[6., 7.]);
    }

    #[test]
    fn fc_sums_split_by_inputs_add_up_and_slices_by_outputs_concatenate() {
        // Two inputs, three outputs: w[i][o] = i·3 + o.
        let lw = LayerWeights {
            w: (0..6).map(|i| i as f32).collect(),
            b: vec![1., -100., 0.],
        };
        let x = [2., 3.];
        let all = Rows::new(0, 2);
        let whole = fc_finish(fc_sum(&lw, 0, &x, all), &lw, all, true);
        assert_eq!(*whole, [0. * 2. + 3. * 3. + 1., 0., 2. * 2. + 5. * 3.]);
        let a = fc_sum(&lw, 0, &x[..1], all);
        let b = fc_sum(&lw, 1, &x[1..], all);
        let summed: Vec<f32> = a.iter().zip(b.iter()).map(|(p, q)| p + q).collect();
        assert_eq!(fc_finish(Flat::copy(&summed), &lw, all, true), whole);
        let last = Rows::new(2, 2);
        assert_eq!(
            *fc_finish(fc_sum(&lw, 0, &x, last), &lw, last, true),
            [whole[2]]
        );
        assert_eq!(fc_magnitude(&lw, &x)[1], 100. + 2. + 12.);
    }

    #[test]
    fn the_reorg_moves_each_2x2_patch_into_channels() {
        // A 2×2 conv output with one channel; the 1×1 conv doubles it (one filter).
        let conv = RowStore::full("c", 2, &[1., 2., 3., 4.]);
        let lw = LayerWeights {
            w: vec![2.],
            b: vec![0.],
        };
        let row = branch_row(&conv, 1, &lw, 2, Shape::new(1, 1, 4), 0).unwrap();
        assert_eq!(row, vec![2., 4., 6., 8.]);
    }
}
