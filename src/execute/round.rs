//! What carries from one round to the next, and the dispatch of a round by its case.

use super::error::{at, ExecError};
use super::link::{Link, Traffic};
use super::tensor::RowStore;
use super::weights::Weights;
use super::{conv_round, fc_round};
use crate::cost::Case;
use crate::model::Network;
use crate::solver::BlockPlan;

pub struct Ctx<'a> {
    pub net: &'a Network,
    pub weights: &'a Weights,
    pub round: usize,
}

/// Who holds the previous round's output at a round boundary (spec §4).
pub struct Boundary {
    /// The gateway's complete copy, or `None` when it stayed on the devices.
    pub gateway: Option<RowStore>,
    /// What each device kept (its grid rows) when the gateway holds nothing.
    pub held: Vec<RowStore>,
    /// Passthrough rows stored at the gateway.
    pub branch: Option<StoredBranch>,
    /// What each device still has of an output it uploaded. Spec §4 does not let it be
    /// used, so it only serves to count what the gateway sends back ([`Traffic::resent`]).
    pub kept: Vec<RowStore>,
}

impl Boundary {
    /// Before round 1 the gateway holds the input image.
    pub fn start(input: RowStore) -> Self {
        Boundary {
            gateway: Some(input),
            held: Vec::new(),
            branch: None,
            kept: Vec::new(),
        }
    }

    /// The previous output at the gateway, or an empty store whose reads fail.
    pub fn gateway_input(&mut self, name: String, height: u32, row_len: usize) -> RowStore {
        self.gateway.take().map_or_else(
            || RowStore::empty(&name, height, row_len),
            |g| g.renamed(&name),
        )
    }
}

/// The passthrough rows at the gateway, with the device that computed each (to count
/// the rows that go back to it).
#[derive(Clone)]
pub struct StoredBranch {
    pub rows: RowStore,
    pub by: Vec<Option<usize>>,
}

/// The result of one round: the counted traffic, the next boundary, and the round's
/// output assembled (for the comparison only, not a transfer).
pub struct Played {
    pub traffic: Traffic,
    pub next: Boundary,
    pub output: RowStore,
}

pub fn play(ctx: &Ctx, block: &BlockPlan, before: Boundary) -> Result<Played, ExecError> {
    match block.case {
        Case::Conv | Case::ConvFc => conv_round::play(ctx, block, before),
        Case::FcData | Case::FcModel | Case::FcHybrid => fc_round::play(ctx, block, before),
        Case::Single => single(ctx, before),
    }
}

/// `k = 1`: the device receives the image, runs the model, and returns its output.
fn single(ctx: &Ctx, mut before: Boundary) -> Result<Played, ExecError> {
    let net = ctx.net;
    let mut link = Link::new(1);
    let row_len = (net.input.width * net.input.channels) as usize;
    let gateway = before.gateway_input("input".into(), net.input.height, row_len);
    let mut x = RowStore::empty("input", net.input.height, row_len);
    for y in 0..net.input.height {
        let row = gateway.row(y).map_err(at(ctx.round, "gateway"))?;
        x.put(y, link.down(0, row).into_vec());
    }
    let mut branch = None;
    for index in 1..=net.len() {
        let out = super::reference::layer_forward(net, ctx.weights, index, &x, branch.as_ref())
            .map_err(at(ctx.round, super::error::device(0)))?;
        branch = out.branch.or(branch);
        x = out.output;
    }
    let flat = x.flat().map_err(at(ctx.round, super::error::device(0)))?;
    let output = RowStore::full(x.name(), x.row_len(), &link.up(0, &flat));
    Ok(Played {
        traffic: link.traffic(),
        next: Boundary {
            gateway: Some(output.clone()),
            held: Vec::new(),
            branch: None,
            kept: Vec::new(),
        },
        output,
    })
}
