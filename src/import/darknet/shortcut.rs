//! Darknet's `[shortcut]`: the previous layer's output plus the output of `from`.
//!
//! When the shapes differ, Darknet still adds, the way ResNet's "option A" shortcut
//! does: `shortcut_cpu` (pjreddie/darknet, `src/blas.c`) adds the first `min(c1, c2)`
//! channels, reading `from` every `stride = w1/w2` pixels when it is the larger map;
//! AlexeyAB/darknet's `shortcut_multilayer_cpu` adds the first elements in CHW order,
//! which is the same thing when the maps have one size. The planner's layers write that
//! exactly: a 1×1 pool of that stride samples `from`, [`Split`]s take channel ranges
//! (groups of `gcd` channels) and a [`Concat`](Layer::Concat) puts the untouched
//! channels back after the sum. ResNet-18/34/50 and CSPResNeXt cfgs rely on it.

use crate::import::graph::Graph;
use crate::import::origins::Origin;
use crate::model::{Layer, ModelError, PoolLayer, PoolMode, Split};

/// Most channel groups a range is cut into (a pathological channel count would need
/// one split per channel).
const MAX_PIECES: u32 = 64;

/// Adds `from` (one tensor, or several of the previous tensor's exact shape) to `prev`;
/// returns the output tensor.
pub fn add(
    g: &mut Graph,
    prev: usize,
    from: &[usize],
    origin: &Origin,
) -> Result<usize, ModelError> {
    let p = g.shape(prev);
    let [one] = from else {
        let mut inputs = vec![prev];
        inputs.extend_from_slice(from);
        return g.push(Layer::Add, &inputs, origin.clone());
    };
    let mut f = *one;
    let fs = g.shape(f);
    if (fs.height, fs.width) != (p.height, p.width) {
        f = sample(g, f, p, origin)?;
    }
    let fc = g.shape(f).channels;
    if fc == p.channels {
        return g.push(Layer::Add, &[prev, f], origin.clone());
    }
    let m = fc.min(p.channels);
    if fc > p.channels {
        let head = channels(g, f, 0, m, origin)?;
        return g.push(Layer::Add, &[prev, head], origin.clone());
    }
    let head = channels(g, prev, 0, m, origin)?;
    let sum = g.push(Layer::Add, &[head, f], origin.clone())?;
    let tail = pieces(g, prev, m, p.channels, origin)?;
    let mut parts = vec![sum];
    parts.extend(tail);
    g.push(Layer::Concat, &parts, origin.clone())
}

/// `from` read every `stride` pixels, when it is `stride` times larger than `prev` in
/// both directions (pjreddie's `shortcut_cpu`); otherwise the sum is refused.
fn sample(
    g: &mut Graph,
    from: usize,
    prev: crate::model::Shape,
    origin: &Origin,
) -> Result<usize, ModelError> {
    let f = g.shape(from);
    let stride = f.width / prev.width;
    if stride < 2 || f.width != stride * prev.width || f.height != stride * prev.height {
        return Err(origin.error(format!(
            "adds a {f} map to a {prev} one; expected equal sizes, or `from` larger by one whole \
             factor in both directions (Darknet then samples it with that stride)"
        )));
    }
    g.push(
        Layer::Pool(PoolLayer::new(PoolMode::Max, 1, stride)),
        &[from],
        origin.clone(),
    )
}

/// Channels `lo..hi` of tensor `t` as one tensor.
fn channels(
    g: &mut Graph,
    t: usize,
    lo: u32,
    hi: u32,
    origin: &Origin,
) -> Result<usize, ModelError> {
    let parts = pieces(g, t, lo, hi, origin)?;
    match parts[..] {
        [one] => Ok(one),
        _ => g.push(Layer::Concat, &parts, origin.clone()),
    }
}

/// Channels `lo..hi` of tensor `t` as splits of `gcd(lo, hi, C)` channels each (`lo`
/// and `hi` are the two ends of the shorter tensor's channels, so one size fits both).
fn pieces(
    g: &mut Graph,
    t: usize,
    lo: u32,
    hi: u32,
    origin: &Origin,
) -> Result<Vec<usize>, ModelError> {
    let c = g.shape(t).channels;
    let step = gcd(gcd(lo, hi), c);
    let groups = c / step;
    if (hi - lo) / step > MAX_PIECES {
        return Err(origin.error(format!(
            "adds tensors of {} and {c} channels, whose common divisor {step} would cut the \
             sum into more than {MAX_PIECES} channel groups",
            hi - lo
        )));
    }
    (lo / step..hi / step)
        .map(|group_id| {
            g.push(
                Layer::Split(Split { groups, group_id }),
                &[t],
                origin.clone(),
            )
        })
        .collect()
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}
