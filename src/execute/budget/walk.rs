//! The budget of a run (`execute::rounds`): the same walk as the round engine
//! at the granularity of row ranges: the unsliced pass, every round device by device
//! (what it receives, the rows the plan gives it at each layer, what it uploads and
//! keeps), and the judge. The kernels' work comes from each kind's `Kernel::cost`
//! (`crate::layers`), made with the very formulas its kernel counts with, a window's
//! row taps bounded by the whole window,
//! so the estimate is never below the meter and close to it.
//!
//! Memory: what lives through the run (weights, the input's three stores, the unsliced
//! pass), twice every tensor made so far (the gateway's and the judge's copies), the
//! shares the devices kept, and for each round what it allocates as if nothing were
//! freed before its end, except each device's working rows, of which only the largest
//! device's count (devices run one after another).

use super::super::rounds::forward::{branch_tensor, reads, shape};
use super::super::rounds::kernels::CostCall;
use super::super::rounds::plan_rows::{made_before, tensor_reads};
use super::super::rounds::read_from_before;
use super::super::rounds::state::needed_after;
use super::fl::{fc_round, partial_sum};
use super::kernels::{branch_rows, fl_whole, mul, row_len, rows, tensor_bytes, Cost};
use super::Estimate;
use crate::cost::dag_sweep::uploaded;
use crate::cost::Case;
use crate::model::Network;
use crate::slicing::Rows;
use crate::solver::{BlockPlan, DevicePlan, Plan};

/// Elements of the input and of every layer's weights (and the passthrough's), as
/// `Weights::generate` draws them.
fn weight_elements(net: &Network) -> u64 {
    let branch = net.branch.map_or(0, |b| {
        let (cs, f) = (net.layer(b.spec.source).conv_out.channels, b.spec.filters);
        mul(u64::from(cs), u64::from(f)).saturating_add(u64::from(f))
    });
    net.layers
        .iter()
        .filter_map(|l| l.kind.kernel().weights(l))
        .fold(net.input.elements() + branch, |n, (_, w, b)| {
            n.saturating_add(w).saturating_add(b)
        })
}

/// What the walk knows of every layer: its conv's real column taps per output row.
struct Walk<'a> {
    net: &'a Network,
    col_taps: Vec<u64>,
}

impl Walk<'_> {
    /// One call of `rounds::kernels::layer_rows` for output rows `out` (and conv-output
    /// rows `computed`) of spatial layer `m`, the stores it makes included.
    fn rows(&self, m: usize, out: Rows, computed: Rows) -> Cost {
        let layer = self.net.layer(m);
        layer.kind.kernel().cost(&CostCall {
            net: self.net,
            m,
            layer,
            out,
            computed,
            col_taps: self.col_taps[m - 1],
        })
    }

    /// Layer `m` run whole (`rounds::forward::whole`).
    fn whole(&self, m: usize) -> Cost {
        let layer = self.net.layer(m);
        if !layer.is_spatial() {
            return fl_whole(layer);
        }
        let all = |h: u32| Rows::new(0, h - 1);
        let mut cost = self.rows(m, all(layer.output.height), all(layer.conv_out.height));
        if let Some(b) = self.net.branch.filter(|b| b.spec.source == m) {
            cost.store(b.shape.height);
            cost.add(branch_rows(self.net, u64::from(b.shape.height), false));
        }
        cost
    }

    /// A spatial round: the shares kept before it uploaded, each device's part, the
    /// gateway's results. Returns (what stays allocated, the largest device's working
    /// rows).
    fn spatial(&self, block: &BlockPlan, previous: Option<&BlockPlan>) -> (Cost, u64) {
        let net = self.net;
        let (first, held) = (block.first, block.first - 1);
        let grid = match block.case {
            Case::ConvFc if block.last > first && !net.is_spatial(block.last) => block.last - 1,
            _ => block.last,
        };
        let fc_layer = (grid < block.last).then_some(block.last);
        let mut all = Cost::default();
        if held > 0 {
            // Kept shares uploaded whole (τo): copied, then stored at the gateway.
            let s = shape(net, held);
            all.store(s.height);
            all.elements(mul(s.elements(), 2));
            all.work(s.elements());
        }
        let mut device_peak = 0u64;
        for (d, dev) in block.devices.iter().enumerate() {
            let share = kept_rows(net, previous, d);
            let (keep, working) = self.device(block, dev, share, grid, fc_layer);
            all.add(keep);
            all.work(working.work);
            device_peak = device_peak.max(working.bytes);
        }
        // The gateway's results: clones of what was uploaded, the last layer's view or
        // the closing FL's output.
        for m in (first..grid).filter(|&m| needed_after(net, m, grid)) {
            let s = shape(net, m);
            all.copied_store(s.height, s.elements());
        }
        if let Some(b) = net
            .branch
            .filter(|b| (first..=grid).contains(&b.spec.source))
        {
            all.copied_store(b.shape.height, b.shape.elements());
        }
        match fc_layer {
            Some(j) => {
                let no = net.layer(j).output.elements();
                all.elements(no); // the sum
                all.work(mul(no, 2));
                all.copied_store(1, no);
                all.copied_store(1, no);
            }
            None => {
                let s = shape(net, grid);
                all.copied_store(s.height, s.elements());
            }
        }
        (all, device_peak)
    }

    /// One device of a spatial round: (what it leaves allocated: uploads and its kept
    /// share; its working rows: what it received and computed).
    fn device(
        &self,
        block: &BlockPlan,
        dev: &DevicePlan,
        share: u64,
        grid: usize,
        fc_layer: Option<usize>,
    ) -> (Cost, Cost) {
        let net = self.net;
        let first = block.first;
        let held = first - 1;
        let mut working = Cost::default();
        let mut keep = Cost::default();
        if held > 0 {
            let s = shape(net, held);
            working.copied_store(s.height, mul(share, row_len(s)));
        }
        for read in &tensor_reads(net, block, dev) {
            let s = shape(net, read.tensor);
            let n = mul(rows(read.rows), row_len(s));
            working.store(s.height); // its store
            keep.store(s.height); // the gateway's, when new
                                  // Uploaded by its keeper (τo) and stored, then sent down and stored.
            keep.elements(mul(n, 2));
            keep.work(n);
            working.elements(mul(n, 2));
            working.work(n);
        }
        for m in first..=grid {
            for t in reads(net, m) {
                if made_before(net, t, first) {
                    working.store(shape(net, t).height);
                }
            }
            let layer = dev.layer_rows(m);
            match layer.and_then(|l| l.rows) {
                Some(out) => {
                    let computed = layer.and_then(|l| l.computed).unwrap_or(out);
                    working.add(self.rows(m, out, computed));
                    if let Some(b) = net.branch.filter(|b| b.spec.source == m) {
                        // Its rows no earlier device uploaded: at most its output rows.
                        keep.store(b.shape.height);
                        let n = out.len().min(u64::from(b.shape.height));
                        keep.add(branch_rows(net, n, true));
                    }
                }
                None => working.store(shape(net, m).height),
            }
            let up = if m < grid {
                needed_after(net, m, grid)
            } else {
                fc_layer.is_none() && uploaded(net, grid)
            };
            if up {
                let s = shape(net, m);
                let n = mul(own_rows(dev, m), row_len(s));
                keep.store(s.height);
                keep.elements(mul(n, 2));
                keep.work(n);
            }
        }
        let s = shape(net, grid);
        keep.store(s.height); // the share it keeps
        keep.elements(mul(own_rows(dev, grid), row_len(s)));
        if let Some(j) = fc_layer {
            keep.add(partial_sum(dev, j, net.layer(j).output.elements()));
        }
        (keep, working)
    }

    /// `k = 1`: the input sent, the model run whole, every model output returned.
    fn single(&self) -> Cost {
        let net = self.net;
        let mut all = Cost::default();
        all.store(net.input.height);
        all.elements(mul(net.input.elements(), 2));
        all.work(net.input.elements());
        for m in 1..=net.len() {
            all.add(self.whole(m));
        }
        for t in net.outputs() {
            let s = shape(net, t);
            all.elements(mul(s.elements(), 2)); // flat, upload
            all.copied_store(s.height, s.elements());
            all.copied_store(s.height, s.elements());
        }
        all
    }

    /// The judge: the tensors the block reads compared with the unsliced pass's, the
    /// block run whole again when they differ (`recompute`), each result compared.
    fn judge(&self, block: &BlockPlan, results: &[usize], recompute: bool) -> Cost {
        let net = self.net;
        let mut cost = Cost::default();
        let outside = read_from_before(net, block.first, block.last);
        for t in outside {
            cost.elements(mul(shape(net, t).elements(), 2));
        }
        if recompute {
            for m in block.first..=block.last {
                cost.add(self.whole(m));
            }
        }
        for &t in results {
            let e = shape(net, t).elements();
            cost.elements(mul(e, 3)); // sliced, unsliced, reference
            cost.work(mul(e, 4)); // compared
        }
        cost
    }
}

/// Rows of tensor `t` in the device's share (`own`).
fn own_rows(dev: &DevicePlan, t: usize) -> u64 {
    dev.layer_rows(t).map_or(0, |l| rows(l.own))
}

/// Rows of its share of the previous round's last layer device `d` kept: its `own`
/// rows after a `conv` round; after any other round, bounded by the whole tensor.
fn kept_rows(net: &Network, previous: Option<&BlockPlan>, d: usize) -> u64 {
    match previous {
        Some(p) if p.case == Case::Conv => p.devices.get(d).map_or(0, |dev| own_rows(dev, p.last)),
        Some(p) => u64::from(shape(net, p.last).height),
        None => 0,
    }
}

/// The tensors a round hands on to the judge.
fn results(net: &Network, block: &BlockPlan) -> Vec<usize> {
    match block.case {
        Case::Single => net.outputs().collect(),
        Case::Conv | Case::ConvFc => {
            let spatial_last = (block.first..=block.last)
                .rev()
                .find(|&m| net.is_spatial(m))
                .unwrap_or(block.last);
            let mut r: Vec<usize> = (block.first..spatial_last)
                .filter(|&m| needed_after(net, m, spatial_last))
                .collect();
            let source = net.branch.map(|b| b.spec.source);
            if source.is_some_and(|s| (block.first..=spatial_last).contains(&s)) {
                r.extend(branch_tensor(net));
            }
            r.push(block.last);
            r
        }
        _ => vec![block.last],
    }
}

/// The estimated work and peak memory of `verify` on any model's plan.
pub fn estimate(net: &Network, plan: &Plan) -> Estimate {
    let walk = Walk {
        net,
        col_taps: net
            .layers
            .iter()
            .map(|l| l.kind.kernel().column_taps(l))
            .collect(),
    };
    let weights = weight_elements(net);
    let mut run = Cost::default();
    run.elements(weights);
    // The input's store, cloned for the unsliced pass and the gateway.
    for _ in 0..3 {
        run.copied_store(net.input.height, net.input.elements());
    }
    let mut forward_peak = 0u64;
    let mut made = 0u64; // every tensor of the unsliced pass
    for m in 1..=net.len() {
        let c = walk.whole(m);
        run.work(c.work);
        forward_peak = forward_peak.max(c.bytes);
        made = made.saturating_add(tensor_bytes(shape(net, m)));
    }
    if let Some(b) = branch_tensor(net) {
        made = made.saturating_add(tensor_bytes(shape(net, b)));
    }
    let persistent = run.bytes.saturating_add(made);
    let mut rounds_peak = 0u64;
    let mut kept = 0u64;
    let mut so_far = tensor_bytes(net.input);
    let mut reordered = false;
    let mut previous = None;
    for block in &plan.blocks {
        if block.first == 0 || block.last > net.len() || block.first > block.last {
            break;
        }
        for m in block.first..=block.last {
            so_far = so_far.saturating_add(tensor_bytes(shape(net, m)));
            if let Some(b) = net.branch.filter(|b| b.spec.source == m) {
                so_far = so_far.saturating_add(tensor_bytes(b.shape));
            }
        }
        let (mut all, device_peak) = match block.case {
            Case::Conv | Case::ConvFc => walk.spatial(block, previous),
            Case::Single => (walk.single(), 0),
            Case::FcData | Case::FcModel | Case::FcHybrid => {
                let mut c = fc_round(net, block).0;
                let s = shape(net, block.first - 1);
                c.copied_store(s.height, s.elements());
                c.copied_store(1, net.layer(block.last).output.elements());
                (c, 0)
            }
        };
        all.add(walk.judge(block, &results(net, block), reordered));
        reordered |= matches!(block.case, Case::ConvFc | Case::FcData | Case::FcHybrid);
        run.work(all.work);
        let held = mul(2, so_far)
            .saturating_add(kept)
            .saturating_add(all.bytes)
            .saturating_add(device_peak);
        rounds_peak = rounds_peak.max(held);
        kept = all.bytes;
        previous = Some(block);
    }
    Estimate {
        work: run.work,
        peak_bytes: persistent.saturating_add(forward_peak.max(rounds_peak)),
    }
}
