//! The loads of one block given by its layers and case, for callers that need a single
//! block rather than the solver's sweep (plan details, brute-force checks, executors).

use super::block::{Case, Load};
use super::block_sweep::BlockSweep;
use super::cluster::{RowSplits, Team};
use super::{fc, single};
use crate::model::Network;

/// Per-device loads of block `first..=last` (1-based) sliced as `case` over the team's
/// `k` devices, or `None` when that block is not feasible (spec §3).
pub fn block_loads(
    net: &Network,
    team: &Team,
    first: usize,
    last: usize,
    case: Case,
) -> Option<Vec<Load>> {
    let k = team.k;
    if first == 0 || first > last || last > net.len() || k == 0 {
        return None;
    }
    let fcs = (first..=last).filter(|&i| !net.is_spatial(i)).count();
    let width = last - first + 1;
    let mut loads = Vec::new();
    match case {
        Case::Single => {
            (first == 1 && last == net.len() && k == 1).then(|| vec![single::load(net)])
        }
        Case::Conv | Case::ConvFc => {
            let (grid, fc_layer) = match case {
                Case::Conv if fcs == 0 => (last, None),
                Case::ConvFc if fcs == 1 && width >= 2 && !net.is_spatial(last) => {
                    (last - 1, Some(last))
                }
                _ => return None,
            };
            let splits = RowSplits::new(net, team);
            let mut sweep = BlockSweep::new(net, &splits, k, grid, fc_layer);
            while let Some(r) = sweep.step() {
                if r == first {
                    return Some(sweep.loads().to_vec());
                }
            }
            None
        }
        Case::FcData | Case::FcModel if width == 1 && fcs == 1 => {
            let layer = net.layer(last);
            if case == Case::FcData {
                fc::data(layer, team, &mut loads);
            } else {
                fc::model(layer, team, &mut loads);
            }
            Some(loads)
        }
        Case::FcHybrid if width == 2 && fcs == 2 => {
            fc::hybrid(net.layer(first), net.layer(last), team, &mut loads);
            Some(loads)
        }
        _ => None,
    }
}
