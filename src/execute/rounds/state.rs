//! Who holds what between rounds (spec-dag D2): the gateway's
//! tensors, with the device that uploaded each row, and the equal shares of the last
//! round's output that the devices kept.

use std::collections::BTreeMap;

use super::super::error::ExecError;
use super::super::tensor::RowStore;
use super::forward::{empty, readers};
use crate::model::Network;
use crate::solver::BlockPlan;

/// A tensor at the gateway: the rows it received so far and who sent each (`None`:
/// the gateway made it, e.g. by adding partial sums). The uploader is only used to
/// count rows that go back to the device that made them.
pub struct Stored {
    pub rows: RowStore,
    pub by: Vec<Option<usize>>,
}

impl Stored {
    pub fn empty(net: &Network, t: usize) -> Self {
        let rows = empty(net, t);
        let by = vec![None; rows.height() as usize];
        Stored { rows, by }
    }

    /// A tensor the gateway holds whole from the start (the input) or made itself.
    pub fn whole(rows: RowStore) -> Self {
        let by = vec![None; rows.height() as usize];
        Stored { rows, by }
    }

    /// Stores row `y` received from device `d`.
    pub fn receive(&mut self, y: u32, row: Vec<f32>, d: usize) {
        self.rows.put(y, row);
        if let Some(slot) = self.by.get_mut(y as usize) {
            *slot = Some(d);
        }
    }

    pub fn complete(&self) -> bool {
        (0..self.rows.height()).all(|y| self.rows.has(y))
    }
}

pub struct Holdings {
    /// By tensor (0: the model input).
    pub gateway: BTreeMap<usize, Stored>,
    /// The tensor whose equal shares the devices kept, and each device's share.
    pub kept: Option<(usize, Vec<RowStore>)>,
}

/// True when a layer after `g` reads tensor `t`, or it is a model output.
pub fn needed_after(net: &Network, t: usize, g: usize) -> bool {
    readers(net, t).last().is_none_or(|&c| c > g)
}

/// Whether a layer after `j` reads tensor `t`.
pub fn read_after(net: &Network, t: usize, j: usize) -> bool {
    readers(net, t).iter().any(|&c| c > j)
}

impl Holdings {
    /// Before round 1 the gateway holds the input image.
    pub fn start(input: RowStore) -> Self {
        Holdings {
            gateway: BTreeMap::from([(0, Stored::whole(input))]),
            kept: None,
        }
    }

    /// The gateway's stored tensor `t`, created empty on first use.
    pub fn at_gateway(&mut self, net: &Network, t: usize) -> &mut Stored {
        self.gateway
            .entry(t)
            .or_insert_with(|| Stored::empty(net, t))
    }

    /// After the round of `block`: the gateway forgets what no later layer reads, and
    /// what it keeps must be what the plan says it holds (`gateway_holds`), in full.
    pub fn end_round(&mut self, net: &Network, block: &BlockPlan) -> Result<(), ExecError> {
        self.gateway.retain(|&t, _| read_after(net, t, block.last));
        let held: Vec<usize> = self.gateway.keys().copied().collect();
        let complete = self.gateway.values().all(Stored::complete);
        // A chain's plan does not list them; what the gateway holds is still checked whole.
        if (net.dag && held != block.gateway_holds) || !complete {
            return Err(ExecError::Plan(format!(
                "round {}: the plan says the gateway holds tensors {:?} in full afterwards, \
                 it holds {held:?}{}",
                block.round,
                block.gateway_holds,
                if complete { "" } else { " (some only in part)" }
            )));
        }
        Ok(())
    }
}
